"""Running the webhook server in a thread, and talking to it like the API server does."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import secrets
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kubeguard.webhook import ServeConfig, ServeSummary, load_serve_config, serve
from kubeguard.webhook.pipeline import Recovery
from tests.webhook.pki import Pair, Pki

TOKEN = secrets.token_hex(16)
AGENT = "kubeguard-webhook-test"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
#: A rule that fires once for every test event (window 0, one slot per auditID), so the
#: findings file lists exactly the events the detector processed.
EVERY_EVENT_RULE = """\
title: Test event seen
id: 0b7a6f7e-5b7d-4c55-9a39-0d3c2c9f4a10
status: test
logsource: {product: kubernetes, service: audit}
detection:
  selection:
    userAgent: kubeguard-webhook-test
  condition: selection
level: low
kubeguard:
  aggregate: {window: 0, by: [auditID]}
"""


def event(serial: int, run: str = "t", **changes: Any) -> dict[str, Any]:
    """An audit event with a unique auditID and a time that grows with ``serial``."""
    moment = (START + datetime.timedelta(milliseconds=serial)).isoformat().replace("+00:00", "Z")
    document: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": f"{run}-{serial:08d}",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/shop/pods",
        "verb": "list",
        "user": {
            "username": "system:serviceaccount:shop:orders",
            "groups": ["system:authenticated"],
        },
        "sourceIPs": ["10.0.3.17"],
        "userAgent": AGENT,
        "objectRef": {"resource": "pods", "namespace": "shop", "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": moment,
        "stageTimestamp": moment,
    }
    document.update(changes)
    return document


def event_list(events: list[Any]) -> bytes:
    """An EventList body as the API server posts it."""
    return orjson.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": events})


def write_config(folder: Path, pki: Pki, **sections: Any) -> Path:
    """A detect.yaml in ``folder`` with TLS, the test token, the test rule and ``sections``."""
    (folder / "token").write_text(TOKEN + "\n")
    (folder / "rules.yml").write_text(EVERY_EVENT_RULE)
    document: dict[str, Any] = {
        "listen": "127.0.0.1:0",
        "tls": {"cert": str(pki.server.cert), "key": str(pki.server.key)},
        "auth": {"tokens": [{"name": "apiserver", "file": "token"}]},
        "spool": {"dir": "spool", "commit_interval": "200ms"},
        "outputs": {"jsonl": "findings.jsonl"},
        "detection": {"rules": ["rules.yml"], "builtin_rules": False},
    }
    for name, value in sections.items():
        if isinstance(value, dict):
            document[name] = {**document.get(name, {}), **value}
        else:
            document[name] = value
    path = folder / "detect.yaml"
    path.write_bytes(orjson.dumps(document))
    return path


@dataclass
class Running:
    """A server running in a thread of this process."""

    config: ServeConfig
    port: int
    recovery: Recovery
    stop: threading.Event
    thread: threading.Thread
    outcome: dict[str, Any] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    def client(self, pki: Pki, cert: Pair | None = None, *, token: str | None = TOKEN) -> Client:
        """A keep-alive client trusting the test CA (closed when the server stops)."""
        made = Client(self.port, client_context(pki, cert), token=token)
        self.clients.append(made)
        return made

    def summary(self) -> ServeSummary:
        """Stop the server and return how it ended."""
        for made in self.clients:
            made.close()
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "server did not stop"
        if "error" in self.outcome:
            raise self.outcome["error"]
        summary: ServeSummary = self.outcome["summary"]
        return summary


@contextlib.contextmanager
def running(config_path: Path) -> Iterator[Running]:
    """The server of ``config_path``, listening, stopped on exit."""
    config = load_serve_config(str(config_path))
    ready = threading.Event()
    started: dict[str, Any] = {}
    outcome: dict[str, Any] = {}
    stop = threading.Event()

    def on_ready(url: str, recovery: Recovery) -> None:
        started["port"] = int(url.rsplit(":", 1)[1].split("/", 1)[0])
        started["recovery"] = recovery
        ready.set()

    def main() -> None:
        try:
            outcome["summary"] = serve(config, on_ready=on_ready, stop=stop)
        except BaseException as error:  # handed to the test thread
            outcome["error"] = error
            ready.set()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert ready.wait(30), "server did not start"
    if "error" in outcome:
        raise outcome["error"]
    server = Running(config, started["port"], started["recovery"], stop, thread, outcome)
    try:
        yield server
    finally:
        for made in server.clients:
            made.close()
        if thread.is_alive():
            stop.set()
            thread.join(30)


def client_context(pki: Pki, cert: Pair | None = None) -> ssl.SSLContext:
    """A TLS client context that trusts the test CA (and presents ``cert``)."""
    context = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        context.load_cert_chain(cert.cert, cert.key)
    return context


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return orjson.loads(self.body)


class Client:
    """A keep-alive HTTPS connection, as the API server's webhook backend keeps one."""

    def __init__(self, port: int, context: ssl.SSLContext, *, token: str | None = TOKEN) -> None:
        self.connection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=30
        )
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send one request and read the answer."""
        sent = {"Content-Type": content_type, **(headers or {})}
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())

    def post(self, body: bytes, **options: Any) -> Answer:
        """POST a batch to /audit."""
        return self.request("POST", "/audit", body, **options)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def findings_audit_ids(path: Path) -> list[str]:
    """The auditID of every finding line of the test rule in a JSON-lines file."""
    ids = []
    for line in path.read_bytes().splitlines():
        document = orjson.loads(line)
        ids += document["detection"]["audit_ids"]
    return ids
