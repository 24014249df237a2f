"""Images in a registry, through the OCI distribution API (https://github.com/opencontainers/distribution-spec).

``GET /v2/<name>/manifests/<reference>`` gives the manifest or index, ``GET /v2/<name>/blobs/<digest>``
the configuration and the layers, which are streamed straight into the layer walker. Every
request has a timeout; transport failures, 429 and 5xx answers are retried a bounded number of
times with a growing pause; 401 is answered once with credentials or a token
(:mod:`.auth`); every other failure is one clear error naming the registry and what was asked.

Plain HTTP (``--insecure``) is allowed only for registries on the loopback interface, where a
test or a local mirror runs; anything else goes over TLS with certificate checks.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, cast

import httpx

from kubeguard.model import SourceError
from kubeguard.model.image import ImageRef, Platform, problem
from kubeguard.sources.images.auth import (
    Challenge,
    CredentialProvider,
    Credentials,
    parse_challenge,
)
from kubeguard.sources.images.ecr import ecr_credentials, ecr_registry
from kubeguard.sources.images.inventory import LayerBlob, ResolvedImage
from kubeguard.sources.images.limits import Limits
from kubeguard.sources.images.manifests import (
    ACCEPTED_MANIFESTS,
    INDEX_TYPES,
    MAX_INDEX_DEPTH,
    check_manifest_type,
    choose_manifest,
    config_digest,
    load_json,
    manifest_layers,
    media_type_of,
)

_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_PAUSE = 8.0
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class RegistryOptions:
    """How to reach registries."""

    insecure: bool = False
    """Plain HTTP; honoured only for loopback registries."""
    credentials: CredentialProvider | None = None
    """Credentials per registry host; ECR hosts get an ECR token when this gives none."""
    timeout: float = 30.0
    """Seconds to connect, and to wait for each read."""
    retries: int = 2
    """Extra attempts after a transport failure, 429 or 5xx."""
    backoff: float = 0.5
    """Pause before the first retry, doubled for each next one."""
    transport: httpx.BaseTransport | None = field(default=None, repr=False)
    """Replaces the network (for tests)."""


def is_loopback(host: str) -> bool:
    """Whether a ``host[:port]`` names this machine."""
    name = host
    if name.startswith("["):
        name = name[1 : name.find("]")]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def default_credentials(explicit: CredentialProvider | None) -> CredentialProvider:
    """``explicit`` first, then an ECR token for ECR hosts."""

    def provide(host: str) -> Credentials | None:
        found = explicit(host) if explicit is not None else None
        if found is not None:
            return found
        ecr = ecr_registry(host)
        return ecr_credentials(ecr[1], ecr[0]) if ecr else None

    return provide


class BlobReadError(OSError):
    """The registry stopped sending a blob (timeout, reset) part way."""


class _ResponseReader:
    """A file-like view of a streamed response body."""

    def __init__(self, response: httpx.Response, where: str) -> None:
        self._chunks = response.iter_bytes(_CHUNK)
        self._buffer = b""
        self._where = where

    def read(self, size: int = -1) -> bytes:
        try:
            while size < 0 or len(self._buffer) < size:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buffer += chunk
        except httpx.HTTPError as error:
            raise BlobReadError(f"{self._where}: transfer failed: {_describe(error)}") from None
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer within the timeout"
    return str(error) or type(error).__name__


class RegistryClient:
    """One repository of one registry, with its authentication state."""

    def __init__(self, ref: ImageRef, options: RegistryOptions, limits: Limits) -> None:
        self.ref = ref
        self.where = f"{ref.registry}/{ref.repository}"
        if options.insecure and not is_loopback(ref.registry):
            raise problem(
                "--insecure (plain HTTP) is allowed only for registries on the loopback interface",
                self.where,
            )
        scheme = "http" if options.insecure else "https"
        self._options = options
        self._limits = limits
        self._provider = default_credentials(options.credentials)
        self._credentials_found: list[Credentials | None] = []
        self._authorization: str | None = None
        self._client = httpx.Client(
            base_url=f"{scheme}://{ref.registry}",
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=True,
            transport=options.transport,
            headers={"User-Agent": "kubeguard"},
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------

    @contextmanager
    def _get(self, path: str, what: str, accept: str | None = None) -> Iterator[httpx.Response]:
        """A streamed GET of ``path``, authenticated, retried, and checked for success."""
        headers = {"Accept": accept} if accept else {}
        answered_challenge = False
        attempt = 0
        while True:
            if self._authorization:
                headers["Authorization"] = self._authorization
            try:
                response = self._client.send(
                    self._client.build_request("GET", path, headers=headers), stream=True
                )
            except httpx.TransportError as error:
                if attempt < self._options.retries:
                    attempt = self._pause(attempt)
                    continue
                raise self._failure(f"cannot fetch {what}: {_describe(error)}") from None
            if response.status_code == 401 and not answered_challenge:
                response.close()
                answered_challenge = True
                self._answer(response.headers.get("WWW-Authenticate", ""))
                continue
            if response.status_code in _RETRIED_STATUS and attempt < self._options.retries:
                response.close()
                attempt = self._pause(attempt)
                continue
            if response.status_code != 200:
                response.close()
                raise self._status_error(response.status_code, what, answered_challenge)
            try:
                yield response
            finally:
                response.close()
            return

    def _credentials(self) -> Credentials | None:
        """The registry's credentials, looked up once (an ECR token costs an API call)."""
        if not self._credentials_found:
            self._credentials_found.append(self._provider(self.ref.registry))
        return self._credentials_found[0]

    def _pause(self, attempt: int) -> int:
        time.sleep(min(self._options.backoff * 2**attempt, _MAX_PAUSE))
        return attempt + 1

    def _failure(self, message: str) -> SourceError:
        return problem(message, self.where)

    def _status_error(self, status: int, what: str, authenticated: bool) -> SourceError:
        if status == 401:
            hint = (
                "the credentials were refused"
                if authenticated and self._credentials() is not None
                else "the registry wants credentials (--username and --password-stdin)"
            )
            return self._failure(f"{what}: unauthorized (401): {hint}")
        if status == 403:
            return self._failure(f"{what}: access denied (403)")
        if status == 404:
            return self._failure(f"{what}: not found (404)")
        if status >= 500 or status == 429:
            attempts = self._options.retries + 1
            return self._failure(
                f"{what}: the registry answered {status} after "
                f"{attempts} attempt{'s' if attempts > 1 else ''}"
            )
        return self._failure(f"{what}: the registry answered {status}")

    def _answer(self, header: str) -> None:
        """Set up the authorization a 401's challenge asks for (or leave it unset)."""
        challenge = parse_challenge(header)
        credentials = self._credentials()
        if challenge is None:
            return
        if challenge.scheme == "basic" and credentials is not None:
            self._authorization = _basic(credentials)
        elif challenge.scheme == "bearer":
            self._authorization = f"Bearer {self._token(challenge, credentials)}"

    def _token(self, challenge: Challenge, credentials: Credentials | None) -> str:
        realm = challenge.parameters.get("realm")
        if not realm:
            raise self._failure("the registry's bearer challenge names no token realm")
        url = httpx.URL(realm)
        if (
            credentials is not None
            and url.scheme != "https"
            and not is_loopback(url.netloc.decode())
        ):
            raise self._failure(
                f"refusing to send credentials to a plain-HTTP token service {realm}"
            )
        params = {
            "scope": challenge.parameters.get("scope") or f"repository:{self.ref.repository}:pull"
        }
        if challenge.parameters.get("service"):
            params["service"] = challenge.parameters["service"]
        headers = {"Authorization": _basic(credentials)} if credentials is not None else {}
        try:
            response = self._client.get(url, params=params, headers=headers)
        except httpx.TransportError as error:
            raise self._failure(f"token service {realm}: {_describe(error)}") from None
        if response.status_code in (401, 403):
            raise self._failure(
                f"token service {realm} refused the credentials ({response.status_code})"
            )
        if response.status_code != 200:
            raise self._failure(f"token service {realm} answered {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            document = None
        token = (
            (document.get("token") or document.get("access_token"))
            if isinstance(document, dict)
            else None
        )
        if not isinstance(token, str) or not token:
            raise self._failure(f"token service {realm} returned no token")
        return token

    def _read_small(
        self, path: str, what: str, accept: str | None = None
    ) -> tuple[bytes, Mapping[str, str]]:
        limit = self._limits.max_json_bytes
        with self._get(path, what, accept) as response:
            body = bytearray()
            try:
                for chunk in response.iter_bytes(_CHUNK):
                    body += chunk
                    if len(body) > limit:
                        raise self._failure(f"{what} is larger than {limit} bytes")
            except httpx.HTTPError as error:
                raise self._failure(f"{what}: transfer failed: {_describe(error)}") from None
            return bytes(body), response.headers

    # -- API ----------------------------------------------------------------------------------

    def manifest(self, reference: str) -> tuple[dict[str, Any], str, str]:
        """The manifest or index ``reference`` names: the document, its media type, its digest."""
        what = f"manifest {reference}"
        data, headers = self._read_small(
            f"/v2/{self.ref.repository}/manifests/{reference}", what, ", ".join(ACCEPTED_MANIFESTS)
        )
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if reference.startswith("sha256:") and digest != reference:
            raise self._failure(f"{what} does not match its digest (got {digest})")
        document = load_json(data, what, self.where)
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        media_type = media_type_of(
            document, content_type if content_type in ACCEPTED_MANIFESTS else None
        )
        return document, media_type, digest

    def blob(self, digest: str, what: str) -> bytes:
        """A small blob (the configuration), checked against its digest."""
        data, _ = self._read_small(f"/v2/{self.ref.repository}/blobs/{digest}", what)
        if digest.startswith("sha256:") and "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            raise self._failure(f"{what} does not match its digest")
        return data

    @contextmanager
    def open_blob(self, digest: str) -> Iterator[IO[bytes]]:
        """A layer blob as a stream (the layer walker checks its digest as it reads)."""
        with self._get(f"/v2/{self.ref.repository}/blobs/{digest}", f"blob {digest}") as response:
            yield cast(IO[bytes], _ResponseReader(response, f"blob {digest}"))

    def resolve(self, source: str, platform: Platform | None) -> ResolvedImage:
        """The image the reference names, for ``platform`` when it is an index."""
        document, media_type, digest = self.manifest(self.ref.reference)
        depth = 0
        while True:
            check_manifest_type(media_type, self.where)
            if media_type not in INDEX_TYPES:
                break
            depth += 1
            if depth > MAX_INDEX_DEPTH:
                raise self._failure(f"indexes nested more than {MAX_INDEX_DEPTH} deep")
            chosen = choose_manifest(document, platform, self.where)
            document, media_type, digest = self.manifest(str(chosen["digest"]))
        config_id = config_digest(document, self.where)
        config = load_json(
            self.blob(config_id, "image configuration"), "image configuration", self.where
        )
        layers = manifest_layers(document, config, self.where, self._limits.max_layers)
        return ResolvedImage(
            source=source,
            digest=digest,
            config_digest=config_id,
            config=config,
            layers=tuple(LayerBlob(info, self._blob_opener(info.digest)) for info in layers),
            tags=(str(self.ref),) if self.ref.tag else (),
        )

    def _blob_opener(self, digest: str) -> Callable[[], AbstractContextManager[IO[bytes]]]:
        return lambda: self.open_blob(digest)


def _basic(credentials: Credentials) -> str:
    token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode()
    return f"Basic {token}"
