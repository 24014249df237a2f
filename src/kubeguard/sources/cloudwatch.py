"""Kubernetes audit events from Amazon CloudWatch Logs, where EKS control-plane logging puts them.

With the ``audit`` log type enabled, EKS writes one audit Event (as JSON text) per CloudWatch log
event into the log group ``/aws/eks/<cluster>/cluster``, in streams named
``kube-apiserver-audit-<id>``. :class:`CloudWatchSource` pulls them with ``FilterLogEvents``,
page after page (``nextToken``), and hands every record to the audit-log reader, so CloudWatch
events are checked, counted and de-duplicated exactly like lines of a file. Records of other
streams (the authenticator, the scheduler …) are skipped even when the service ignores the
stream prefix.

Resuming. A checkpoint file remembers the newest event timestamp read and the ids of the events
read at that very millisecond. The next run starts at that millisecond, not one after it (several
events may share one, and CloudWatch may deliver a late one with the same time), and skips the
ids it already read. The checkpoint is written only by :meth:`CloudWatchSource.save_checkpoint`,
which the caller invokes once the findings of the run are delivered, so a run that fails halfway
is read again in full.

CloudWatch cuts entries over 256 KB and ends them with ``[Truncated...]``; the reader counts and
reports each one (with its ``auditID`` when it survives). Throttling and transient errors are
retried a bounded number of times with exponential back-off (botocore's standard retry mode);
what still fails becomes one :class:`CloudWatchError` line: a log group that does not exist,
missing or refused credentials, no region, an unreachable endpoint.
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kubeguard.model import AuditEvent, SourceError, SourceLocation
from kubeguard.sources.auditlog import AuditLogReader

#: The streams EKS writes audit events to start with this.
DEFAULT_STREAM_PREFIX = "kube-apiserver-audit-"
#: Attempts per FilterLogEvents call (the first one included) before giving up.
DEFAULT_MAX_ATTEMPTS = 8
#: How far back a run starts without ``--since`` or a checkpoint.
DEFAULT_SINCE = datetime.timedelta(hours=1)
#: The most a FilterLogEvents page may hold.
MAX_PAGE_SIZE = 10_000

_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_CHECKPOINT_VERSION = 1


class CloudWatchError(SourceError):
    """CloudWatch Logs could not be read (the message says why and what to do)."""


def parse_moment(text: str, now: datetime.datetime) -> datetime.datetime:
    """A point in time: ``24h``/``30m``/``7d``/``90s``/``2w`` before ``now``, or ISO 8601.

    An ISO time without a zone is taken as UTC. Raises ``ValueError`` with an example otherwise.
    """
    relative = _RELATIVE.match(text)
    if relative:
        seconds = int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)]
        return now - datetime.timedelta(seconds=seconds)
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a duration (24h, 30m, 7d) nor an ISO 8601 time "
            "(2026-03-02T09:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def to_millis(moment: datetime.datetime) -> int:
    """Milliseconds since the epoch, as CloudWatch counts time."""
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a previous run stopped: its newest timestamp and the events read at it."""

    log_group: str
    timestamp: int
    """Milliseconds since the epoch of the newest event read."""
    event_ids: frozenset[str] = frozenset()
    """CloudWatch ``eventId`` of every event read at exactly ``timestamp``."""

    @staticmethod
    def load(path: Path) -> Checkpoint | None:
        """The checkpoint in ``path``; ``None`` when the file does not exist yet."""
        where = SourceLocation(str(path))
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CloudWatchError(
                f"cannot read the checkpoint: {error.strerror}", location=where
            ) from None
        except orjson.JSONDecodeError:
            data = None
        group = data.get("log_group") if isinstance(data, dict) else None
        timestamp = data.get("timestamp") if isinstance(data, dict) else None
        ids = data.get("event_ids") if isinstance(data, dict) else None
        if (
            not isinstance(group, str)
            or type(timestamp) is not int
            or not isinstance(ids, list)
            or not all(isinstance(item, str) for item in ids)
        ):
            raise CloudWatchError(
                "not a kubeguard CloudWatch checkpoint (delete it to start over)", location=where
            )
        return Checkpoint(group, timestamp, frozenset(ids))

    def save(self, path: Path) -> None:
        """Write the checkpoint atomically: a crash leaves the old one or the new one."""
        document = {
            "version": _CHECKPOINT_VERSION,
            "log_group": self.log_group,
            "timestamp": self.timestamp,
            "time": datetime.datetime.fromtimestamp(self.timestamp / 1000, datetime.UTC)
            .isoformat()
            .replace("+00:00", "Z"),
            "event_ids": sorted(self.event_ids),
        }
        try:
            with tempfile.NamedTemporaryFile(
                "wb", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as scratch:
                scratch.write(orjson.dumps(document, option=orjson.OPT_INDENT_2))
                scratch.flush()
                os.fsync(scratch.fileno())
            os.replace(scratch.name, path)
        except OSError as error:
            raise CloudWatchError(
                f"cannot write the checkpoint: {error.strerror or error}",
                location=SourceLocation(str(path)),
            ) from None


@dataclass(slots=True)
class PullStats:
    """What one run fetched from CloudWatch Logs."""

    pages: int = 0
    records: int = 0
    """Log events received (every stream)."""
    other_streams: int = 0
    """Records skipped because their stream does not have the audit prefix."""
    already_read: int = 0
    """Records skipped because the checkpoint says a previous run read them."""
    streams: set[str] = field(default_factory=set)


class CloudWatchSource:
    """Audit events of one log group between two times, resumable through a checkpoint."""

    def __init__(
        self,
        log_group: str,
        *,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        stream_prefix: str = DEFAULT_STREAM_PREFIX,
        checkpoint: Path | None = None,
        region: str | None = None,
        page_size: int | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        client: Any = None,
    ) -> None:
        now = datetime.datetime.now(datetime.UTC)
        self.log_group = log_group
        self.stream_prefix = stream_prefix
        self.checkpoint_path = checkpoint
        self.region = region
        self.page_size = min(page_size, MAX_PAGE_SIZE) if page_size else None
        self.max_attempts = max(1, max_attempts)
        self.location = SourceLocation(f"cloudwatch:{log_group}")
        self.previous = Checkpoint.load(checkpoint) if checkpoint else None
        if self.previous is not None and self.previous.log_group != log_group:
            raise CloudWatchError(
                f"the checkpoint is for log group {self.previous.log_group}, not {log_group}; "
                "use one checkpoint file per log group",
                location=SourceLocation(str(checkpoint)),
            )
        start_ms = to_millis(start or now - DEFAULT_SINCE)
        if self.previous is not None:
            start_ms = max(start_ms, self.previous.timestamp)
        self.start_ms = start_ms
        self.end_ms = to_millis(end or now)
        self.stats = PullStats()
        self._client = client
        self._newest: int | None = None
        self._newest_ids: set[str] = set()

    def events(self, reader: AuditLogReader) -> Iterator[AuditEvent]:
        """Every new audit event of the log group in the time range, page after page."""
        previous = self.previous
        skip_ids = previous.event_ids if previous else frozenset()
        skip_at = previous.timestamp if previous else None
        for record in self._records():
            stream = record.get("logStreamName")
            if not isinstance(stream, str) or not stream.startswith(self.stream_prefix):
                self.stats.other_streams += 1
                continue
            event_id = record.get("eventId")
            timestamp = record.get("timestamp")
            if type(timestamp) is int:
                if timestamp == skip_at and event_id in skip_ids:
                    self.stats.already_read += 1
                    continue
                self._note(timestamp, event_id)
            if stream not in self.stats.streams:
                self.stats.streams.add(stream)
                reader.inputs += 1
            yield from reader.events_in(record, f"cloudwatch:{self.log_group}/{stream}", None)

    def _note(self, timestamp: int, event_id: Any) -> None:
        if self._newest is None or timestamp > self._newest:
            self._newest = timestamp
            self._newest_ids = set()
        if timestamp == self._newest and isinstance(event_id, str):
            self._newest_ids.add(event_id)

    @property
    def checkpoint(self) -> Checkpoint | None:
        """Where the next run should resume (the previous checkpoint if nothing new was read)."""
        if self._newest is None:
            return self.previous
        ids = set(self._newest_ids)
        if self.previous is not None and self.previous.timestamp == self._newest:
            ids |= self.previous.event_ids
        return Checkpoint(self.log_group, self._newest, frozenset(ids))

    def save_checkpoint(self) -> None:
        """Record the progress of this run (call once its findings are delivered)."""
        current = self.checkpoint
        if self.checkpoint_path is not None and current is not None:
            current.save(self.checkpoint_path)

    def _records(self) -> Iterator[dict[str, Any]]:
        client = self._client or self._connect()
        arguments: dict[str, Any] = {
            "logGroupName": self.log_group,
            "startTime": self.start_ms,
            "endTime": self.end_ms,
        }
        if self.stream_prefix:
            arguments["logStreamNamePrefix"] = self.stream_prefix
        if self.page_size:
            arguments["limit"] = self.page_size
        seen_tokens: set[str] = set()
        while True:
            page = self._call(client, arguments)
            self.stats.pages += 1
            records = page.get("events")
            for record in records if isinstance(records, list) else ():
                if isinstance(record, dict):
                    self.stats.records += 1
                    yield record
            token = page.get("nextToken")
            # A token seen before would page forever; an absent one ends the range.
            if not isinstance(token, str) or not token or token in seen_tokens:
                return
            seen_tokens.add(token)
            arguments["nextToken"] = token

    def _connect(self) -> Any:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        config = Config(
            retries={"total_max_attempts": self.max_attempts, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="kubeguard",
        )
        try:
            # A session of its own: the default one keeps the credentials it found first.
            session = boto3.session.Session(region_name=self.region)
            self._client = session.client("logs", config=config)
        except BotoCoreError as error:
            raise self._error(error) from None
        return self._client

    def _call(self, client: Any, arguments: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            page = client.filter_log_events(**arguments)
        except (BotoCoreError, ClientError) as error:
            raise self._error(error) from None
        return page if isinstance(page, dict) else {}

    def _error(self, error: Exception) -> CloudWatchError:
        return CloudWatchError(describe_error(error, self.log_group, self.region))


def describe_error(error: Exception, log_group: str, region: str | None) -> str:
    """One line saying what went wrong talking to CloudWatch Logs, and what to do."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run with an instance or pod role"
        )
    if isinstance(error, NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach CloudWatch Logs: {error}"
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code = str(details.get("Code", ""))
        message = str(details.get("Message", "")) or str(error)
        where = f" in {region}" if region else ""
        if code == "ResourceNotFoundException":
            return (
                f"log group {log_group} does not exist{where}: check the cluster name and "
                "region, and that the EKS 'audit' control-plane log type is enabled"
            )
        if code in ("ThrottlingException", "LimitExceededException", "ServiceUnavailableException"):
            return (
                f"CloudWatch Logs is still throttling after retries ({code}); run again later, "
                "the checkpoint keeps what earlier runs read"
            )
        if code in (
            "AccessDeniedException",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "ExpiredTokenException",
        ):
            return f"AWS refused the request ({code}: {message}); logs:FilterLogEvents is needed"
        return f"CloudWatch Logs FilterLogEvents failed ({code or 'error'}: {message})"
    return f"CloudWatch Logs FilterLogEvents failed: {error}"
