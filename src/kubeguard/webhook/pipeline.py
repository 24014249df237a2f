"""The detector loop: reads the spool in order, runs the rules, writes findings, commits.

The loop only ever reads the spool, never the requests: what the HTTP side acknowledged is on
disk, and the detector takes it from there at its own pace. Replaying after a crash is
therefore not a special path, just a start from the last committed position.

Exactly once. Every ``commit_interval`` the loop flushes the JSON-lines output to disk, then
saves its state (the spool position, the output's length, the open aggregation windows, the
counters; see :mod:`kubeguard.webhook.state`). On start it cuts the output back to the saved
length, restores the windows and replays the spool from the saved position: findings written
after the last commit are written again, once. Before replaying, it reads the consumed records
the spool still keeps and remembers their ``auditID``/stage pairs, so a batch the API server
re-sends after a crash (it was stored, but the 200 never arrived) is recognised as a duplicate.
Standard output cannot be cut back: after a crash it may repeat the findings of the last
interval.

When no batch arrives, event time is taken to advance with the clock (``idle_flush`` after the
last event), so aggregation windows still close and their findings still come out.
"""

from __future__ import annotations

import datetime
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from kubeguard.detect import DetectionRun
from kubeguard.engines.detect.engine import event_time
from kubeguard.model import AuditEvent, Finding, RuleInfo
from kubeguard.report.jsonl import finding_line
from kubeguard.sources.auditlog import Deduplicator
from kubeguard.webhook.ingest import WEBHOOK_SOURCE, is_event
from kubeguard.webhook.limits import Counters
from kubeguard.webhook.spool import Position, Spool
from kubeguard.webhook.state import (
    SavedState,
    load_state,
    restore_detector,
    save_state,
    snapshot_detector,
)

#: Findings kept in memory for the report written at shutdown; the rest are only counted.
MAX_REPORTED_FINDINGS = 100_000
#: Spool bytes read per step before the loop checks whether a commit is due.
_READ_STEP = 8 << 20


class FindingOutputs:
    """The JSON-lines file (cut back to the committed length on start), stdout, the report list."""

    def __init__(
        self,
        jsonl: Path | None,
        *,
        stdout: bool,
        rules: dict[str, RuleInfo],
        counters: Counters,
    ) -> None:
        self.path = jsonl
        self.stdout = stdout
        self.rules = rules
        self.counters = counters
        self.kept: list[Finding] = []
        self._file: BinaryIO | None = None

    def open(self, saved: dict[str, Any]) -> int:
        """Open the file for appending, first cutting what came after the last commit; bytes cut."""
        if self.path is None:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("ab")
        status = os.fstat(self._file.fileno())
        size = saved.get("size")
        same_file = saved.get("inode") == status.st_ino and saved.get("device") == status.st_dev
        if same_file and type(size) is int and 0 <= size < status.st_size:
            os.ftruncate(self._file.fileno(), size)
            return status.st_size - size
        return 0

    def write(self, findings: list[Finding]) -> None:
        """Write findings as they close."""
        for finding in findings:
            line = finding_line(finding, self.rules.get(finding.control_id)).encode()
            if self._file is not None:
                self._file.write(line)
            if self.stdout:
                sys.stdout.buffer.write(line)
            if len(self.kept) < MAX_REPORTED_FINDINGS:
                self.kept.append(finding)
        if findings:
            self.counters.add("findings", len(findings))
            if self.stdout:
                sys.stdout.buffer.flush()

    def flush(self) -> dict[str, Any]:
        """Flush the file to disk; its identity and length, for the state file."""
        if self._file is None:
            return {}
        self._file.flush()
        os.fsync(self._file.fileno())
        status = os.fstat(self._file.fileno())
        return {"size": status.st_size, "inode": status.st_ino, "device": status.st_dev}

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(slots=True)
class Recovery:
    """What starting the detector found."""

    position: Position
    replay_records: int = 0
    """Records stored but not committed at the last stop: they are processed again now."""
    output_bytes_cut: int = 0
    windows_restored: int = 0
    remembered_events: int = 0
    """Consumed events whose auditID/stage were remembered to recognise re-sent batches."""


class DetectorLoop:
    """A thread that consumes the spool and commits its position."""

    def __init__(
        self,
        spool: Spool,
        run: DetectionRun,
        outputs: FindingOutputs,
        counters: Counters,
        *,
        commit_interval: float = 1.0,
        idle_flush: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spool = spool
        self.run = run
        self.outputs = outputs
        self.counters = counters
        self.commit_interval = commit_interval
        self.idle_flush = idle_flush
        self._clock = clock
        self.position = Position(1, 0)
        self.events = 0
        """Events evaluated (duplicates not included), over every run of this spool."""
        self.duplicates = 0
        self.invalid = 0
        """Spooled items that are not events (only a damaged or foreign spool has them)."""
        self._dedupe = Deduplicator()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_commit = clock()
        self._last_event_time: datetime.datetime | None = None
        self._last_event_clock = clock()
        self.failure: BaseException | None = None
        """What stopped the loop, if it died (the server then answers 503)."""

    # -- start -----------------------------------------------------------------------------

    def recover(self, saved: SavedState | None = None) -> Recovery:
        """Restore the committed state, remember recent events, count what will be replayed."""
        saved = saved if saved is not None else load_state(self.spool.folder)
        if saved is None:
            self.position = Position(self.spool.first_segment, 0)
            report = Recovery(self.position)
            report.output_bytes_cut = self.outputs.open({})
            # A state from the very start: output written before a first commit is cut too.
            self.commit()
            return report
        self.position = saved.position
        report = Recovery(saved.position)
        report.output_bytes_cut = self.outputs.open(saved.outputs)
        report.remembered_events = self._remember_consumed(saved.position)
        self.events = saved.counters.get("events_processed", 0)
        self.duplicates = saved.counters.get("events_duplicate", 0)
        self.counters.restore(
            {k: v for k, v in saved.counters.items() if k in ("findings", "events_processed")}
        )
        report.windows_restored = restore_detector(self.run.detector, saved.detector)
        report.replay_records = sum(1 for _ in self.spool.read(saved.position))
        self.counters.set("spool_replayed_records", report.replay_records)
        return report

    def _remember_consumed(self, position: Position) -> int:
        """Feed the de-duplicator the consumed events still in the spool (nothing is evaluated)."""
        remembered = 0
        first_time = self._dedupe.first_time
        for record in self.spool.read(Position(self.spool.first_segment, 0)):
            if record.start >= position:
                break
            for item in _items(record.payload):
                if is_event(item):
                    first_time(item["auditID"], item["stage"])
                    remembered += 1
        return remembered

    def start(self) -> None:
        """Run the loop in its own thread."""
        self._thread = threading.Thread(target=self._main, name="kubeguard-detector", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Process what is stored, close every window, commit, and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the loop is running."""
        return self._thread is not None and self._thread.is_alive()

    # -- the loop --------------------------------------------------------------------------

    def _main(self) -> None:
        try:
            while not self._stop.is_set():
                if self.spool.wait(self.position, 0.2):
                    self._consume()
                self._tick()
            self._consume()
            self._emit(self.run.detector.aggregator.flush())
            self.commit()
        except BaseException as error:
            self.failure = error
            raise

    def _consume(self) -> None:
        for record in self.spool.read(self.position, _READ_STEP):
            self._process(record.payload)
            self.position = record.end
            self.counters.add("spool_records_processed")
            if self._clock() - self._last_commit >= self.commit_interval:
                self.commit()

    def _process(self, payload: bytes) -> None:
        feed = self.run.feed
        first_time = self._dedupe.first_time
        closed: list[Finding] = []
        last = None
        for item in _items(payload):
            if not is_event(item):
                self.invalid += 1
            elif first_time(item["auditID"], item["stage"]):
                self.events += 1
                last = AuditEvent(item, WEBHOOK_SOURCE, None)
                closed += feed(last)
            else:
                self.duplicates += 1
        if last is not None:
            moment = event_time(last)
            if moment is not None:
                self._last_event_time = moment
                self._last_event_clock = self._clock()
        self._emit(closed)

    def _tick(self) -> None:
        """Close windows that ended by the clock; commit when due."""
        if self._last_event_time is not None:
            idle = self._clock() - self._last_event_clock
            if idle >= self.idle_flush:
                now = self._last_event_time + datetime.timedelta(seconds=idle)
                self._emit(self.run.detector.aggregator.expire(now))
        if self._clock() - self._last_commit >= self.commit_interval:
            self.commit()

    def _emit(self, findings: list[Finding]) -> None:
        if findings:
            self.outputs.write(findings)

    def commit(self) -> None:
        """Flush the outputs, then save the position and state; release consumed segments."""
        outputs = self.outputs.flush()
        reader = self.run.reader
        # The run's reader carries the counts into the report written at shutdown.
        reader.events, reader.duplicates = self.events, self.duplicates
        self.counters.set("events_processed", self.events)
        self.counters.set("events_duplicate", self.duplicates)
        self.counters.set("spool_invalid_items", self.invalid)
        counters = {
            "events_processed": self.events,
            "events_duplicate": self.duplicates,
            "findings": self.counters.get("findings"),
        }
        detector = snapshot_detector(self.run.detector)
        save_state(self.spool.folder, SavedState(self.position, outputs, counters, detector))
        # After the state: a crash in between leaves the baseline behind the position, so
        # replayed events are learned again rather than anomalies lost.
        self.run.save_baseline()
        self.spool.release(self.position)
        self.counters.set("spool_bytes", self.spool.size)
        self._last_commit = self._clock()


def _items(payload: bytes) -> list[Any]:
    """The items of a spool record's EventList (records passed their checksum, but be safe)."""
    try:
        batch = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return []
    items = batch.get("items") if isinstance(batch, dict) else batch
    return items if isinstance(items, list) else []
