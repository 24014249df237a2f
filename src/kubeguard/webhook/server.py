"""The HTTPS endpoint of the audit webhook: asyncio streams, TLS from ``ssl``, HTTP/1.1 from h11.

Why not a web framework: the endpoint has one job, receive large JSON batches from one or two
API servers over keep-alive connections, and its costs are TLS, JSON decoding and the disk
flush, not routing. Owning the connection lets it do what an ASGI server hides: take the TLS
handshake into its own hands (failed handshakes are counted, a client certificate names the
client for rate limits), refuse a body by its ``Content-Length`` before reading a byte of it, and
bound every read by time. h11 is the HTTP/1.1 state machine httpx is built on, so it adds no
dependency.

Each request, in order:

1. ``GET /healthz`` answers ``ok`` to anyone (for probes); every other path needs a client
   certificate signed by ``tls.client_ca`` (and, with ``auth.client_subjects``, a listed common
   name) or a configured bearer token, compared in constant time: else 401 (403 for a
   certificate that is valid but not listed).
2. ``GET /status`` (JSON) and ``GET /metrics`` (Prometheus text) show the counters.
3. ``POST <path>``: the client's token bucket (429 and ``Retry-After`` when empty), the content
   type (415 unless ``application/json``), the size (413 above ``limits.max_body``, from the
   header, before reading), then the body (400 if it is no usable batch, see
   :mod:`kubeguard.webhook.ingest`), then the spool: 200 only once the batch is on disk; 503
   with ``Retry-After`` when the spool is full, 500 when the disk fails (the API server retries
   both).

Errors answered before the body was read close the connection unless the body is small enough
to drain. Slow clients are cut off by ``header_timeout``, ``body_timeout`` and ``idle_timeout``,
and connections beyond ``max_connections`` are closed at once.
"""

from __future__ import annotations

import asyncio
import hmac
import math
import queue
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
import orjson

from kubeguard.webhook.config import ServeConfig
from kubeguard.webhook.ingest import BadBatch, check_batch
from kubeguard.webhook.limits import Counters, RateLimiter
from kubeguard.webhook.spool import Position, Spool, SpoolError, SpoolFull

#: Bodies of refused requests up to this size are read and dropped to keep the connection.
MAX_DRAIN = 64 << 10
_READ_SIZE = 1 << 18
#: After refusing a body, how long and how much of it is still read and dropped before closing.
LINGER_SECONDS = 2.0
LINGER_BYTES = 64 << 20
_MAX_HEADERS = 16 << 10
#: Records written by one disk flush at most (group commit).
_MAX_GROUP = 256


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer: status, body, extra headers, and whether to close the connection after it."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    close: bool = False
    content_type: str = "application/json"


def error_reply(status: int, message: str, *, close: bool = False, **headers: str) -> Reply:
    """A JSON error answer ``{"error": message}``."""
    extra = tuple((name.replace("_", "-"), value) for name, value in headers.items())
    return Reply(status, orjson.dumps({"error": message}), extra, close)


class SpoolWriter:
    """A thread that appends batches to the spool, one disk flush for all those waiting."""

    def __init__(self, spool: Spool, on_stored: Callable[[Position], None] | None = None) -> None:
        self.spool = spool
        self._queue: queue.Queue[tuple[bytes, asyncio.Future[Position]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._main, name="kubeguard-spool", daemon=True)
        self._on_stored = on_stored

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    async def store(self, payload: bytes) -> Position:
        """Append ``payload``; returns once it is on disk (raises SpoolFull / SpoolError)."""
        future: asyncio.Future[Position] = asyncio.get_running_loop().create_future()
        self._queue.put((payload, future))
        return await future

    def _main(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < _MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                group.append(item)
            try:
                position = self.spool.append([payload for payload, _ in group])
            except SpoolError as error:
                for _, future in group:
                    _settle(future, error=error)
                continue
            for _, future in group:
                _settle(future, result=position)
            if self._on_stored is not None:
                self._on_stored(position)


def _settle(
    future: asyncio.Future[Position],
    *,
    result: Position | None = None,
    error: BaseException | None = None,
) -> None:
    def settle() -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        elif result is not None:
            future.set_result(result)

    future.get_loop().call_soon_threadsafe(settle)


class _Accepted(asyncio.Protocol):
    """Holds a new TCP connection still, so no byte is read before the TLS handshake starts."""

    def __init__(self, server: WebhookServer) -> None:
        self.server = server

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):
            transport.pause_reading()
            self.server.accepted(transport)


def tls_context(config: ServeConfig) -> ssl.SSLContext:
    """The server's TLS settings: TLS 1.2+, client certificates verified against the CA if set."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.cert, config.key)
    ca = config.client_ca
    if ca is not None:
        context.load_verify_locations(cafile=str(ca))
        # Optional at the TLS level so a token-holding client needs no certificate; a
        # certificate that is presented must still verify, or the handshake fails.
        context.verify_mode = ssl.CERT_OPTIONAL if config.tokens else ssl.CERT_REQUIRED
    return context


class WebhookServer:
    """Accepts connections and answers requests; batches go to the spool writer."""

    def __init__(
        self,
        config: ServeConfig,
        writer: SpoolWriter,
        counters: Counters,
        status: Callable[[], dict[str, Any]],
    ) -> None:
        self.config = config
        self.limits = config.file.limits
        self.writer = writer
        self.counters = counters
        self.status = status
        self.context = tls_context(config)
        self.rate = RateLimiter(self.limits.rate, self.limits.burst)
        self.connections = 0
        self.healthy: Callable[[], bool] = lambda: True
        self._server: asyncio.Server | None = None
        self._idle: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._tokens = [(name, token) for name, token in config.tokens.items()]
        self._subjects = frozenset(config.file.auth.client_subjects)

    async def start(self) -> int:
        """Listen; returns the port (useful when the configuration asks for port 0)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Accepted(self), self.config.host, self.config.port, backlog=512
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self, grace: float = 10.0) -> None:
        """Stop accepting connections; let requests in progress finish (for ``grace`` seconds)."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for writer in list(self._idle):
            writer.transport.abort()
        deadline = asyncio.get_running_loop().time() + grace
        while self.connections and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        if self._server is not None:
            await self._server.wait_closed()

    # -- connections -----------------------------------------------------------------------

    def accepted(self, transport: asyncio.Transport) -> None:
        """A TCP connection arrived (reading paused): serve it in a task of its own."""
        if self.connections >= self.limits.max_connections:
            self.counters.add("rejected_connections_over_limit")
            transport.abort()
            return
        self.connections += 1
        task = asyncio.get_running_loop().create_task(self._connection(transport))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connection(self, transport: asyncio.Transport) -> None:
        streams = None
        try:
            streams = await self._handshake(transport)
            if streams is not None:
                await self._serve_connection(*streams)
        except (ConnectionError, TimeoutError, ssl.SSLError, h11.ProtocolError):
            pass
        finally:
            self.connections -= 1
            if streams is not None:
                streams[1].transport.abort()
            transport.abort()

    async def _handshake(
        self, transport: asyncio.Transport
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """TLS over the paused TCP connection; ``None`` (counted) when the handshake fails."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_READ_SIZE, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
        try:
            secured = await loop.start_tls(
                transport,
                protocol,
                self.context,
                server_side=True,
                ssl_handshake_timeout=self.limits.header_timeout,
            )
        except (ssl.SSLError, OSError, TimeoutError, ConnectionError):
            self.counters.add("rejected_tls_handshake")
            return None
        if secured is None:
            return None
        protocol.connection_made(secured)
        return reader, asyncio.StreamWriter(secured, protocol, reader, loop)

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = self._certificate_subject(writer.get_extra_info("peercert"))
        connection = h11.Connection(h11.SERVER, max_incomplete_event_size=_MAX_HEADERS)
        first = True
        while True:
            timeout = self.limits.header_timeout if first else self.limits.idle_timeout
            try:
                if self._closing:
                    return
                self._idle.add(writer)
                try:
                    request = await self._next_event(connection, reader, timeout)
                finally:
                    self._idle.discard(writer)
                first = False
                if not isinstance(request, h11.Request):
                    return
                reply = await self._answer(connection, reader, request, peer)
            except h11.RemoteProtocolError as error:
                reply = self._rejected(
                    "bad_request",
                    error.error_status_hint,
                    f"malformed HTTP request ({error})",
                    close=True,
                )
            await self._send(connection, writer, reply)
            if reply.close and connection.their_state is h11.SEND_BODY:
                await self._linger(reader)
            if reply.close or self._closing or connection.our_state is not h11.DONE:
                return
            if connection.their_state is not h11.DONE:
                return
            connection.start_next_cycle()

    async def _linger(self, reader: asyncio.StreamReader) -> None:
        """Read and drop what the client still sends, briefly, so it can read our answer.

        Closing at once would reset the connection under a client still sending its body
        (a 413), and the client would see the reset instead of the answer.
        """
        deadline = asyncio.get_running_loop().time() + LINGER_SECONDS
        dropped = 0
        while dropped < LINGER_BYTES:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            try:
                chunk = await asyncio.wait_for(reader.read(_READ_SIZE), remaining)
            except (TimeoutError, ConnectionError, ssl.SSLError):
                return
            if not chunk:
                return
            dropped += len(chunk)

    async def _next_event(
        self, connection: h11.Connection, reader: asyncio.StreamReader, timeout: float
    ) -> Any:
        """The next h11 event, reading as needed within ``timeout``."""
        while True:
            event = connection.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await asyncio.wait_for(reader.read(_READ_SIZE), timeout)
            connection.receive_data(data)

    async def _send(
        self, connection: h11.Connection, writer: asyncio.StreamWriter, reply: Reply
    ) -> None:
        self.counters.add(f"responses_{reply.status}")
        headers = [
            ("content-type", reply.content_type),
            ("content-length", str(len(reply.body))),
            *reply.headers,
        ]
        if reply.close:
            headers.append(("connection", "close"))
        try:
            data = connection.send(h11.Response(status_code=reply.status, headers=headers))
            data += connection.send(h11.Data(data=reply.body)) or b""
            data += connection.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError:
            return
        writer.write(data or b"")
        await asyncio.wait_for(writer.drain(), self.limits.body_timeout)

    # -- requests --------------------------------------------------------------------------

    async def _answer(
        self,
        connection: h11.Connection,
        reader: asyncio.StreamReader,
        request: h11.Request,
        peer: str | None,
    ) -> Reply:
        method = request.method.decode("ascii", "replace")
        target = request.target.decode("ascii", "replace").split("?", 1)[0]
        headers = {name.decode().lower(): value for name, value in request.headers}
        if target == "/healthz" and method == "GET":
            return await self._drained(connection, reader, self._health())
        if target not in (self.config.file.path, "/status", "/metrics"):
            return await self._refuse(connection, reader, "not_found", 404, "no such path")
        client = self._authenticate(headers.get("authorization"), peer)
        if isinstance(client, Reply):
            return await self._drained(connection, reader, client)
        if target != self.config.file.path:
            if method != "GET":
                return await self._refuse(connection, reader, "method", 405, "use GET", allow="GET")
            return await self._drained(connection, reader, self._report(target))
        if method != "POST":
            return await self._refuse(connection, reader, "method", 405, "use POST", allow="POST")
        wait = self.rate.allow(client)
        if wait:
            retry = str(max(1, math.ceil(wait)))
            return await self._refuse(
                connection, reader, "rate_limited", 429, "too many requests", retry_after=retry
            )
        media = headers.get("content-type", b"").split(b";", 1)[0].strip().lower()
        if media != b"application/json":
            return await self._refuse(
                connection, reader, "content_type", 415, "content type must be application/json"
            )
        length = headers.get("content-length")
        if length is not None and int(length) > self.limits.max_body:
            return self._rejected(
                "too_large", 413, f"body over the {self.limits.max_body}-byte limit", close=True
            )
        body = await self._body(connection, reader)
        if body is None:
            return self._rejected(
                "too_large", 413, f"body over the {self.limits.max_body}-byte limit", close=True
            )
        return await self._ingest(body)

    async def _ingest(self, body: bytes) -> Reply:
        try:
            batch = check_batch(body)
        except BadBatch as error:
            return self._rejected("bad_batch", 400, str(error))
        if batch.accepted:
            try:
                await self.writer.store(batch.payload)
            except SpoolFull as error:
                return self._rejected("spool_full", 503, error.message, retry_after="5")
            except SpoolError as error:
                return self._rejected("spool_error", 500, error.message)
        self.counters.add("batches_accepted")
        self.counters.add("events_accepted", batch.accepted)
        if batch.rejected:
            self.counters.add("events_rejected", batch.rejected)
        return Reply(200, batch.answer())

    def _authenticate(self, authorization: bytes | None, peer: str | None) -> str | Reply:
        """The client's name, or the 401/403 answer."""
        if authorization is not None and self._tokens:
            scheme, _, presented = authorization.partition(b" ")
            if scheme.lower() == b"bearer":
                matched = None
                for name, token in self._tokens:
                    # Every token is compared, so the time taken says nothing about which.
                    if hmac.compare_digest(presented.strip(), token):
                        matched = name
                if matched is not None:
                    return f"token:{matched}"
            return self._rejected(
                "unauthorized", 401, "invalid bearer token", www_authenticate="Bearer"
            )
        if peer is not None:
            if self._subjects and peer not in self._subjects:
                return self._rejected("forbidden", 403, f"client certificate {peer!r} not allowed")
            return f"cert:{peer}"
        return self._rejected(
            "unauthorized", 401, "authentication required", www_authenticate="Bearer"
        )

    def _certificate_subject(self, certificate: Any) -> str | None:
        """The common name of a verified client certificate (``""`` if it has none)."""
        if not certificate:
            return None
        for part in certificate.get("subject", ()):
            for key, value in part:
                if key == "commonName":
                    return str(value)
        return ""

    def _rejected(self, reason: str, status: int, message: str, **headers: Any) -> Reply:
        self.counters.add(f"rejected_{reason}")
        close = bool(headers.pop("close", False))
        return error_reply(status, message, close=close, **headers)

    async def _refuse(
        self,
        connection: h11.Connection,
        reader: asyncio.StreamReader,
        reason: str,
        status: int,
        message: str,
        **headers: str,
    ) -> Reply:
        return await self._drained(
            connection, reader, self._rejected(reason, status, message, **headers)
        )

    async def _drained(
        self, connection: h11.Connection, reader: asyncio.StreamReader, reply: Reply
    ) -> Reply:
        """``reply``, after reading and dropping a small body (else the connection closes)."""
        drained = 0
        while connection.their_state is h11.SEND_BODY:
            event = await self._next_event(connection, reader, self.limits.body_timeout)
            if isinstance(event, h11.Data):
                drained += len(event.data)
                if drained > MAX_DRAIN:
                    return Reply(reply.status, reply.body, reply.headers, True)
            elif not isinstance(event, h11.EndOfMessage):
                return Reply(reply.status, reply.body, reply.headers, True)
        return reply

    async def _body(self, connection: h11.Connection, reader: asyncio.StreamReader) -> bytes | None:
        """The request body, ``None`` when it grows past ``max_body``."""
        parts: list[bytes] = []
        size = 0
        limit = self.limits.max_body
        while True:
            event = await self._next_event(connection, reader, self.limits.body_timeout)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > limit:
                    return None
                parts.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(parts)
            else:
                raise h11.RemoteProtocolError("request ended without its body")

    def _health(self) -> Reply:
        if self.healthy():
            return Reply(200, b"ok\n", content_type="text/plain")
        return Reply(503, b"detector stopped\n", content_type="text/plain")

    def _report(self, target: str) -> Reply:
        status = self.status()
        if target == "/status":
            return Reply(200, orjson.dumps(status, option=orjson.OPT_INDENT_2))
        lines = []
        for name, value in status["counters"].items():
            metric = f"kubeguard_webhook_{name}"
            lines.append(f"# TYPE {metric} {'gauge' if name.startswith('spool_') else 'counter'}")
            lines.append(f"{metric} {value}")
        return Reply(200, ("\n".join(lines) + "\n").encode(), content_type="text/plain")
