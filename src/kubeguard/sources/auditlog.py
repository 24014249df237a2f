"""Kubernetes audit events from files: JSON lines (plain or gzip), EventList documents, stdin.

The reader streams: a JSON-lines file is read one line at a time, never whole, and every event is
handed on as soon as it is decoded. What it accepts:

- one ``audit.k8s.io`` Event per line, as the API server's log backend writes it (``v1`` and the
  older ``v1beta1`` shape); gzip is recognised by its magic bytes, whatever the file is called;
- a line holding an ``EventList`` (a webhook batch) or a JSON array of events;
- a pretty-printed JSON document (a file whose first line is ``{`` or ``[``) holding an
  ``EventList``, an array or one Event, read whole up to ``max_document_bytes``;
- a folder: its files named like logs (``*.log*``, ``*.jsonl``, ``*.ndjson``, ``*.json``,
  ``*.gz``), recursively, in name order, hidden ones left out;
- events wrapped the way clouds deliver them: a CloudWatch Logs record (``message`` holding the
  Event as text, alone or in an ``aws logs filter-log-events`` page or a subscription payload)
  and an AKS diagnostic record (``properties.log``).

An event needs a non-empty string ``auditID``, a string ``stage`` and a string ``verb``; every
other field may be missing or of any type (rules then see it as absent). A line that is not such
an event (not JSON, cut off, not an object, a required field missing or of the wrong type, longer
than ``max_event_bytes``) is rejected: it is counted, reported once with its file and line through
``on_reject``, and reading goes on with the next line. CloudWatch cuts entries over 256 KB and
ends them with ``[Truncated...]``; those are counted apart (``truncated``) and their ``auditID``,
verb and URI are recovered for the report when they survive. An event whose ``auditID`` and
``stage`` were already read is counted as a duplicate and handed on only once.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import orjson

from kubeguard.model import AuditEvent, IngestionCounts, SourceLocation

#: Default longest line (one event): the API server accepts 3 MiB bodies and logs request and
#: response, so real events stay below this; anything longer is rejected unread.
DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024
#: Default largest pretty-printed document (an EventList), which is decoded whole.
DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Distinct (auditID, stage) pairs remembered per generation for duplicate detection.
DEFAULT_DEDUPE_CAPACITY = 1_000_000
#: What CloudWatch Logs appends to an entry it cut at its 256 KB limit.
TRUNCATED_MARKER = b"[Truncated...]"
STDIN = "-"

_GZIP_MAGIC = b"\x1f\x8b"
#: What reading a damaged file or gzip stream raises.
_READ_ERRORS = (OSError, EOFError, zlib.error)
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK = 1024 * 1024
#: Envelopes nest at most this deep (a record inside a page inside a file line).
_MAX_NESTING = 3
_RECOVERABLE = {
    name: re.compile(rb'"' + name.encode() + rb'"\s*:\s*"((?:[^"\\]|\\.){1,512})"')
    for name in ("auditID", "verb", "requestURI")
}
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line, item or whole input that yielded no event, and why."""

    location: SourceLocation
    reason: str
    truncated: bool = False
    """A CloudWatch entry cut off at its size limit."""
    whole_input: bool = False
    """The input itself could not be opened or read to its end (not one bad event)."""

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class Deduplicator:
    """Remembers recent ``(auditID, stage)`` pairs in two bounded generations.

    Duplicates come from overlapping reads (a CloudWatch poll re-reading its last millisecond, a
    webhook batch retried, a log file given twice), so they are close together in the stream;
    remembering the last one to two ``capacity`` pairs bounds memory on endless streams.
    """

    __slots__ = ("_capacity", "_current", "_previous", "_size")

    def __init__(self, capacity: int = DEFAULT_DEDUPE_CAPACITY) -> None:
        self._capacity = max(1, capacity)
        # One set of auditIDs per stage: no key object to build for each event.
        self._current: dict[str, set[str]] = {}
        self._previous: dict[str, set[str]] = {}
        self._size = 0

    def first_time(self, audit_id: str, stage: str) -> bool:
        """Whether this pair is new (and remember it)."""
        current = self._current.get(stage)
        if current is None:
            current = self._current[stage] = set()
        elif audit_id in current:
            return False
        previous = self._previous.get(stage)
        if previous is not None and audit_id in previous:
            return False
        if self._size >= self._capacity:
            self._previous, self._current, self._size = self._current, {}, 0
            current = self._current[stage] = set()
        current.add(audit_id)
        self._size += 1
        return True


class _KeepAll(Deduplicator):
    """Treats every event as new (for sample files, whose events may share ids)."""

    __slots__ = ()

    def first_time(self, audit_id: str, stage: str) -> bool:
        """Always: nothing is a duplicate."""
        return True


class AuditLogReader:
    """Decodes, checks and de-duplicates audit events; counts everything it sees.

    One reader serves a whole run, so duplicates are recognised across inputs. Sources other
    than files (a webhook, CloudWatch) pass what they decoded to :meth:`events_in`.
    """

    def __init__(
        self,
        *,
        on_reject: Callable[[Rejection], None] | None = None,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
        deduplicator: Deduplicator | None = None,
        deduplicate: bool = True,
    ) -> None:
        self._on_reject = on_reject or (lambda rejection: None)
        self.max_event_bytes = max_event_bytes
        self.max_document_bytes = max_document_bytes
        self._dedupe = (deduplicator or Deduplicator()) if deduplicate else _KeepAll()
        self.inputs = 0
        self.events = 0
        self.duplicates = 0
        self.rejected = 0
        self.truncated = 0

    @property
    def counts(self) -> IngestionCounts:
        """What was read so far."""
        return IngestionCounts(
            inputs=self.inputs,
            events=self.events,
            duplicates=self.duplicates,
            rejected=self.rejected,
            truncated=self.truncated,
        )

    def reject(self, rejection: Rejection) -> None:
        """Count and report one rejection."""
        if not rejection.whole_input:
            self.rejected += 1
            if rejection.truncated:
                self.truncated += 1
        self._on_reject(rejection)

    # -- files -----------------------------------------------------------------------------

    def read(self, inputs: Iterable[str], *, stdin: BinaryIO | None = None) -> Iterator[AuditEvent]:
        """Every new event of every input (files, folders, ``-``), in input order."""
        for name in inputs:
            for path in _expand(name, self.reject):
                yield from self.read_file(path, stdin=stdin)

    def read_file(self, path: str, *, stdin: BinaryIO | None = None) -> Iterator[AuditEvent]:
        """Every new event of one file (``-`` for standard input)."""
        self.inputs += 1
        try:
            source: BinaryIO = (
                (stdin or sys.stdin.buffer) if path == STDIN else open(path, "rb")  # noqa: SIM115
            )
        except OSError as error:
            self.reject(Rejection(SourceLocation(path), _os_reason(error), whole_input=True))
            return
        line = 0
        try:
            stream = _decompressed(source)
            first, line = self._first_line(stream)
            if first is None:
                return
            if first.strip() in (b"{", b"["):
                yield from self._document(first, stream, path)
                return
            yield from self._lines(first, line, stream, path)
        except _READ_ERRORS as error:
            self._read_failure(path, line + 1, error)
        finally:
            if path != STDIN:
                source.close()

    def _first_line(self, stream: BinaryIO) -> tuple[bytes | None, int]:
        """The first non-blank line (BOM removed) and its number; ``None`` for an empty input."""
        line = 0
        while True:
            raw = stream.readline(self.max_event_bytes + 1)
            if not raw:
                return None, line
            line += 1
            if line == 1 and raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
            if raw.strip():
                return raw, line

    def _lines(
        self, first: bytes, first_line: int, stream: BinaryIO, path: str
    ) -> Iterator[AuditEvent]:
        """The JSON-lines loop: the hot path of batch detection, kept flat on purpose."""
        limit = self.max_event_bytes
        readline = stream.readline
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        first_time = self._dedupe.first_time
        line = first_line
        raw = first
        while raw:
            if len(raw) > limit:
                self._skip_rest_of_line(raw, stream)
                self.reject(
                    Rejection(
                        SourceLocation(path, line),
                        f"line longer than the {_size(limit)} limit; event skipped unread",
                    )
                )
            else:
                try:
                    data = loads(raw)
                except decode_error as error:
                    if raw.strip():
                        self._reject_text(raw, str(error), SourceLocation(path, line))
                    data = None
                if type(data) is dict:
                    audit_id = data.get("auditID")
                    stage = data.get("stage")
                    if (
                        type(audit_id) is str
                        and audit_id
                        and type(stage) is str
                        and type(data.get("verb")) is str
                    ):
                        if first_time(audit_id, stage):
                            self.events += 1
                            yield AuditEvent(data, path, line)
                        else:
                            self.duplicates += 1
                    else:
                        yield from self.events_in(data, path, line)
                elif data is not None:
                    yield from self.events_in(data, path, line)
            line += 1
            try:
                raw = readline(limit + 1)
            except _READ_ERRORS as error:
                self._read_failure(path, line, error)
                return

    def _read_failure(self, path: str, line: int, error: BaseException) -> None:
        reason = f"cannot read on: {_os_reason(error)}; the rest of the input is skipped"
        self.reject(Rejection(SourceLocation(path, line), reason, whole_input=True))

    def _skip_rest_of_line(self, head: bytes, stream: BinaryIO) -> None:
        chunk = head
        while chunk and not chunk.endswith(b"\n"):
            chunk = stream.readline(_CHUNK)

    def _document(self, first: bytes, stream: BinaryIO, path: str) -> Iterator[AuditEvent]:
        """A pretty-printed JSON document, decoded whole within the document size limit."""
        rest = stream.read(self.max_document_bytes + 1 - len(first))
        text = first + rest
        if len(text) > self.max_document_bytes:
            self.reject(
                Rejection(
                    SourceLocation(path, 1),
                    f"JSON document larger than the {_size(self.max_document_bytes)} limit; "
                    "write it as JSON lines (one event per line) instead",
                    whole_input=True,
                )
            )
            return
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            self._reject_text(text, str(error), SourceLocation(path, 1))
            return
        yield from self.events_in(value, path, None)

    def _reject_text(self, raw: bytes, error: str, location: SourceLocation) -> None:
        if raw.rstrip().endswith(TRUNCATED_MARKER):
            self.reject(_truncated(raw, location))
        else:
            self.reject(Rejection(location, f"not valid JSON ({error}); skipped"))

    # -- decoded values --------------------------------------------------------------------

    def events_in(
        self, value: Any, path: str, line: int | None, *, where: str = ""
    ) -> Iterator[AuditEvent]:
        """The new events in a decoded JSON value: an Event, EventList, array or envelope.

        ``where`` names the place inside the value for messages (``items[3]``); every value
        that is not an event is rejected with its reason.
        """
        yield from self._events_in(value, path, line, where, 0)

    def _events_in(
        self, value: Any, path: str, line: int | None, where: str, depth: int
    ) -> Iterator[AuditEvent]:
        location = SourceLocation(path, line)
        prefix = f"{where}: " if where else ""
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from self._events_in(item, path, line, f"{where}[{index}]", depth + 1)
            return
        if not isinstance(value, dict):
            reason = f"{prefix}{_JSON_TYPES.get(type(value), 'a value')}, not an audit event"
            self.reject(Rejection(location, reason + "; skipped"))
            return
        unwrapped = _unwrap(value) if depth < _MAX_NESTING else None
        if unwrapped is not None:
            inner, inner_where = unwrapped
            yield from self._envelope(inner, path, line, f"{where}{inner_where}", depth)
            return
        problem = _event_problem(value)
        if problem:
            self.reject(Rejection(location, f"{prefix}{problem}; skipped"))
            return
        if self._dedupe.first_time(value["auditID"], value["stage"]):
            self.events += 1
            yield AuditEvent(value, path, line)
        else:
            self.duplicates += 1

    def _envelope(
        self, inner: Any, path: str, line: int | None, where: str, depth: int
    ) -> Iterator[AuditEvent]:
        """The content of an envelope; a string holds the event as JSON text (CloudWatch, AKS)."""
        if isinstance(inner, list):
            for index, item in enumerate(inner):
                yield from self._envelope(item, path, line, f"{where}[{index}]", depth)
            return
        if not isinstance(inner, str):
            yield from self._events_in(inner, path, line, where, depth + 1)
            return
        text = inner.encode()
        location = SourceLocation(path, line)
        try:
            decoded = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            if text.rstrip().endswith(TRUNCATED_MARKER):
                self.reject(_truncated(text, location, where))
            else:
                self.reject(Rejection(location, f"{where}: not valid JSON ({error}); skipped"))
            return
        yield from self._events_in(decoded, path, line, where, depth + 1)


def _event_problem(value: dict[str, Any]) -> str | None:
    """Why a JSON object is not a usable audit event, or ``None`` if it is one."""
    if "protoPayload" in value:
        return "a GKE Cloud Audit Logs entry, not an audit.k8s.io Event (not supported)"
    kind = value.get("kind")
    if kind is not None and kind != "Event":
        return f"kind is {_show(kind)}, not Event"
    for field in ("auditID", "stage", "verb"):
        found = value.get(field)
        if found is None:
            return f"{field} is missing"
        if not isinstance(found, str):
            return f"{field} is {_JSON_TYPES.get(type(found), 'a value')}, not a string"
    if not value["auditID"]:
        return "auditID is empty"
    return None


def _unwrap(value: dict[str, Any]) -> tuple[Any, str] | None:
    """The content of a known envelope and where it sits, or ``None`` for anything else."""
    if value.get("messageType") == "CONTROL_MESSAGE":
        return [], ""
    if value.get("kind") == "EventList":
        return value.get("items") or [], ".items"
    for key in ("events", "logEvents"):
        records = value.get(key)
        if isinstance(records, list) and all(
            isinstance(record, dict) and "message" in record for record in records
        ):
            return [record["message"] for record in records], f".{key}"
    message = value.get("message")
    if isinstance(message, str) and ("logStreamName" in value or "eventId" in value):
        return message, ".message"
    properties = value.get("properties")
    if isinstance(properties, dict) and "log" in properties and "category" in value:
        return properties["log"], ".properties.log"
    return None


def _truncated(raw: bytes, location: SourceLocation, where: str = "") -> Rejection:
    recovered = []
    head = raw[:65536]
    for name, pattern in _RECOVERABLE.items():
        match = pattern.search(head)
        if match:
            recovered.append(f"{name} {match.group(1).decode(errors='replace')}")
    known = f" ({', '.join(recovered)})" if recovered else ""
    prefix = f"{where}: " if where else ""
    return Rejection(
        location,
        f"{prefix}entry cut off by CloudWatch Logs at its size limit{known}; not evaluated",
        truncated=True,
    )


def _decompressed(source: BinaryIO) -> BinaryIO:
    """The stream as text bytes: gunzipped when it starts with the gzip magic bytes."""
    stream: Any = source if hasattr(source, "peek") else io.BufferedReader(cast(Any, source))
    if stream.peek(2)[:2] == _GZIP_MAGIC:
        return cast(BinaryIO, gzip.GzipFile(fileobj=stream, mode="rb"))
    return cast(BinaryIO, stream)


def is_log_name(name: str) -> bool:
    """Whether a file found in a folder looks like an audit log (``audit.log``, ``audit.log.1``,
    ``audit-2026-03-02.log.gz``, ``events.jsonl``, ``batch.json``)."""
    lower = name.lower()
    return ".log" in lower or lower.endswith((".jsonl", ".ndjson", ".json", ".gz"))


def _expand(name: str, reject: Callable[[Rejection], None]) -> Iterator[str]:
    """A file as given; a folder as its log files (recursively, sorted, hidden ones left out)."""
    if name == STDIN or not os.path.isdir(name):
        yield name
        return
    found = sorted(
        str(path)
        for path in Path(name).rglob("*")
        if path.is_file()
        and is_log_name(path.name)
        and not any(part.startswith(".") for part in path.relative_to(name).parts)
    )
    if not found:
        reject(Rejection(SourceLocation(name), "folder holds no audit log files", whole_input=True))
    yield from found


def _os_reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    if isinstance(error, gzip.BadGzipFile | EOFError | zlib.error):
        return f"corrupt gzip data ({error})"
    return str(error) or type(error).__name__


def _show(value: Any) -> str:
    text = orjson.dumps(value).decode() if isinstance(value, str | int | float | bool) else ""
    return text or _JSON_TYPES.get(type(value), "a value")


def _size(count: int) -> str:
    if count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"
