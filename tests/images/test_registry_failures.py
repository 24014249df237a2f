"""Registries that fail: each failure is one clear error, bounded in time, and the rest goes on.

A small server of the test's own on 127.0.0.1 plays the misbehaving registry; it serves a real
image except where a test tells it to fail, hang or cut a transfer short.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kubeguard.model import SourceError
from kubeguard.sources.images import RegistryOptions, read_image
from kubeguard.sources.images.auth import parse_challenge
from tests.images.builders import OCI_MANIFEST, Image, dpkg_status, layer, npm_package

IMAGE = Image(
    [
        layer({"var/lib/dpkg/status": dpkg_status([("kept", "1.0", None)])}),
        layer({"app/node_modules/lost/package.json": npm_package("lost", "1.0.0")}),
    ]
)
#: The longest a hanging handler waits, so the server always stops by itself.
HANG_SECONDS = 3.0

Behaviour = Callable[[BaseHTTPRequestHandler, str], bool]


class FakeRegistry:
    """Serves IMAGE as ``shop/api:1.4``; ``behaviour`` may take over any request first."""

    def __init__(self) -> None:
        self.behaviour: Behaviour = lambda handler, path: False
        self.requests: list[str] = []
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                registry.requests.append(self.path)
                if registry.behaviour(self, self.path):
                    return
                blobs = IMAGE.blobs()
                if self.path == "/v2/shop/api/manifests/1.4":
                    self.reply(200, IMAGE.manifest, OCI_MANIFEST)
                elif (
                    self.path.startswith("/v2/shop/api/blobs/")
                    and self.path.rsplit("/", 1)[1] in blobs
                ):
                    self.reply(200, blobs[self.path.rsplit("/", 1)[1]])
                else:
                    self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')

            def reply(
                self, status: int, body: bytes, content_type: str = "application/octet-stream"
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    registry = FakeRegistry()
    yield registry
    registry.stop()


def options(**overrides: object) -> RegistryOptions:
    values: dict[str, object] = {"insecure": True, "timeout": 0.5, "retries": 1, "backoff": 0.01}
    values.update(overrides)
    return RegistryOptions(**values)  # type: ignore[arg-type]


def status(code: int, headers: dict[str, str] | None = None, only: str = "") -> Behaviour:
    def behave(handler: BaseHTTPRequestHandler, path: str) -> bool:
        if only not in path:
            return False
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True

    return behave


def test_the_fake_serves_a_readable_image(fake):
    inventory = read_image(f"{fake.address}/shop/api:1.4", registry=options())
    assert sorted(p.name for p in inventory.packages) == ["kept", "lost"]


def test_401_without_a_usable_challenge(fake):
    fake.behaviour = status(401, {"WWW-Authenticate": 'Basic realm="x"'})
    with pytest.raises(SourceError) as caught:
        read_image(f"{fake.address}/shop/api:1.4", registry=options())
    assert str(caught.value) == (
        f"{fake.address}/shop/api: manifest 1.4: unauthorized (401): "
        "the registry wants credentials (--username and --password-stdin)"
    )


def test_403(fake):
    fake.behaviour = status(403)
    with pytest.raises(SourceError, match=r"manifest 1\.4: access denied \(403\)$"):
        read_image(f"{fake.address}/shop/api:1.4", registry=options())


def test_404(fake):
    with pytest.raises(SourceError, match=r"manifest 2\.0: not found \(404\)$"):
        read_image(f"{fake.address}/shop/api:2.0", registry=options())


def test_500_is_retried_a_bounded_number_of_times(fake):
    fake.behaviour = status(500)
    with pytest.raises(
        SourceError, match=r"manifest 1\.4: the registry answered 500 after 3 attempts$"
    ):
        read_image(f"{fake.address}/shop/api:1.4", registry=options(retries=2))
    assert len(fake.requests) == 3


def test_a_transient_503_is_retried_and_then_succeeds(fake):
    failures = iter([True])

    def once(handler: BaseHTTPRequestHandler, path: str) -> bool:
        return next(failures, False) and status(503)(handler, path)

    fake.behaviour = once
    inventory = read_image(f"{fake.address}/shop/api:1.4", registry=options())
    assert len(inventory.packages) == 2


def test_a_hanging_registry_times_out(fake):
    def hang(handler: BaseHTTPRequestHandler, path: str) -> bool:
        time.sleep(HANG_SECONDS)
        return True

    fake.behaviour = hang
    started = time.monotonic()
    with pytest.raises(
        SourceError, match=r"cannot fetch manifest 1\.4: no answer within the timeout$"
    ):
        read_image(f"{fake.address}/shop/api:1.4", registry=options(timeout=0.3, retries=1))
    assert time.monotonic() - started < HANG_SECONDS


def test_a_failing_layer_is_a_problem_and_the_other_layers_are_read(fake):
    lost = IMAGE.layers[1].digest
    fake.behaviour = status(500, only=lost)
    inventory = read_image(f"{fake.address}/shop/api:1.4", registry=options(retries=0))
    assert [p.name for p in inventory.packages] == ["kept"]
    assert [str(p) for p in inventory.problems] == [
        f"layer {lost}: layer not read: blob {lost}: the registry answered 500 after 1 attempt"
    ]


def test_a_layer_cut_short_mid_transfer(fake):
    lost = IMAGE.layers[1]

    def stall(handler: BaseHTTPRequestHandler, path: str) -> bool:
        if lost.digest not in path:
            return False
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(lost.blob)))
        handler.end_headers()
        handler.wfile.write(lost.blob[:20])
        handler.wfile.flush()
        time.sleep(HANG_SECONDS)
        return True

    fake.behaviour = stall
    inventory = read_image(f"{fake.address}/shop/api:1.4", registry=options(timeout=0.3, retries=0))
    assert [p.name for p in inventory.packages] == ["kept"]
    assert f"blob {lost.digest}: transfer failed: no answer within the timeout" in str(
        inventory.problems[0]
    )


def test_a_manifest_that_is_not_json(fake):
    def garbage(handler: BaseHTTPRequestHandler, path: str) -> bool:
        if "manifests" not in path:
            return False
        handler.send_response(200)
        handler.send_header("Content-Length", "9")
        handler.end_headers()
        handler.wfile.write(b"<html>oops")
        return True

    fake.behaviour = garbage
    with pytest.raises(SourceError, match=r"manifest 1\.4 is not JSON"):
        read_image(f"{fake.address}/shop/api:1.4", registry=options())


def test_a_manifest_larger_than_the_limit(fake):
    from kubeguard.sources.images import Limits

    with pytest.raises(SourceError, match=r"manifest 1\.4 is larger than 100 bytes"):
        read_image(
            f"{fake.address}/shop/api:1.4", registry=options(), limits=Limits(max_json_bytes=100)
        )


def test_nothing_listening():
    with pytest.raises(SourceError, match=r"127\.0\.0\.1:9/shop/api: cannot fetch manifest 1\.4"):
        read_image("127.0.0.1:9/shop/api:1.4", registry=options(retries=0))


def test_challenges_are_parsed():
    challenge = parse_challenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"'
    )
    assert challenge is not None
    assert challenge.scheme == "bearer"
    assert challenge.parameters == {
        "realm": "https://auth.example/token",
        "service": "registry.example",
        "scope": "repository:a/b:pull",
    }
    assert parse_challenge("") is None
