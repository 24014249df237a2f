"""Pushing test images to a registry through the distribution API (blob uploads, manifest PUT)."""

from __future__ import annotations

import base64

import httpx

from kubeguard.sources.images.auth import Credentials, parse_challenge
from tests.images.builders import OCI_INDEX, OCI_MANIFEST, Image, index_of, sha256


class Pusher:
    """A push client for one repository, answering basic and bearer challenges."""

    def __init__(
        self, registry: str, repository: str, credentials: Credentials | None = None
    ) -> None:
        self.repository = repository
        self._credentials = credentials
        self._client = httpx.Client(base_url=f"http://{registry}", timeout=10)

    def close(self) -> None:
        self._client.close()

    def _basic(self) -> str:
        assert self._credentials is not None
        pair = f"{self._credentials.username}:{self._credentials.password}"
        return "Basic " + base64.b64encode(pair.encode()).decode()

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if response.status_code != 401:
            return response
        challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        assert challenge is not None
        if challenge.scheme == "basic":
            self._client.headers["Authorization"] = self._basic()
        else:
            params = {
                "service": challenge.parameters.get("service", ""),
                "scope": f"repository:{self.repository}:pull,push",
            }
            token = self._client.get(
                challenge.parameters["realm"],
                params=params,
                headers={"Authorization": self._basic()},
            ).json()["token"]
            self._client.headers["Authorization"] = f"Bearer {token}"
        return self._client.request(method, url, **kwargs)  # type: ignore[arg-type]

    def blob(self, data: bytes) -> str:
        digest = sha256(data)
        if self._send("HEAD", f"/v2/{self.repository}/blobs/{digest}").status_code == 200:
            return digest
        started = self._send("POST", f"/v2/{self.repository}/blobs/uploads/")
        assert started.status_code == 202, started.text
        location = started.headers["Location"]
        # Appended by hand: httpx's params= would drop the upload state already in the query.
        url = location + ("&" if "?" in location else "?") + "digest=" + digest
        done = self._send(
            "PUT", url, content=data, headers={"Content-Type": "application/octet-stream"}
        )
        assert done.status_code == 201, done.text
        return digest

    def manifest(self, reference: str, data: bytes, media_type: str) -> str:
        response = self._send(
            "PUT",
            f"/v2/{self.repository}/manifests/{reference}",
            content=data,
            headers={"Content-Type": media_type},
        )
        assert response.status_code == 201, response.text
        return response.headers["Docker-Content-Digest"]

    def image(self, image: Image, tag: str) -> str:
        self.blob(image.config)
        for layer in image.layers:
            self.blob(layer.blob)
        return self.manifest(tag, image.manifest, OCI_MANIFEST)

    def index(self, images: list[Image], tag: str) -> str:
        for image in images:
            self.image(image, image.digest)
        return self.manifest(tag, index_of(images), OCI_INDEX)
