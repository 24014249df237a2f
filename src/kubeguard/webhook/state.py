"""The detector's state file: how far it got in the spool, and what it held in memory there.

Written atomically (a temporary file, ``fsync``, rename, ``fsync`` of the folder) at each commit,
after the findings output was flushed, so the three always agree: the spool position, the
length of the JSON-lines file, and the aggregation windows still open at that position (each
with the event that opened it, its count and its first and last times) plus the requests each
rule already counted. Restoring all of it and replaying the spool from the position gives the
same findings, each once, as a run that never stopped.

The aggregation state lives in :class:`~kubeguard.engines.detect.engine.Aggregator`, which has
no persistence of its own; :func:`snapshot_detector` and :func:`restore_detector` read and
rebuild its fields, naming rules by id so a changed rule set drops only the windows of rules
that are gone.
"""

from __future__ import annotations

import datetime
import heapq
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kubeguard.engines.detect import Detector
from kubeguard.engines.detect.engine import CompiledRule, _Open
from kubeguard.model import AuditEvent, ConfigError, SourceLocation, parse_timestamp
from kubeguard.webhook.spool import Position

STATE_FILE = "state.json"
_VERSION = 1


@dataclass(slots=True)
class SavedState:
    """What the state file holds."""

    position: Position
    outputs: dict[str, Any] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    detector: dict[str, Any] = field(default_factory=dict)


def load_state(folder: Path) -> SavedState | None:
    """The state saved in ``folder``; ``None`` on a first start."""
    path = folder / STATE_FILE
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError) as error:
        raise ConfigError(
            f"the detector state cannot be read ({error}); move the spool folder aside to start "
            "afresh",
            location=SourceLocation(str(path)),
        ) from None
    position = data.get("position") if isinstance(data, dict) else None
    if (
        not isinstance(position, list)
        or len(position) != 2
        or not all(type(part) is int for part in position)
    ):
        raise ConfigError("not a kubeguard detector state file", location=SourceLocation(str(path)))
    return SavedState(
        Position(position[0], position[1]),
        _dict(data.get("outputs")),
        {k: v for k, v in _dict(data.get("counters")).items() if type(v) is int},
        _dict(data.get("detector")),
    )


def save_state(folder: Path, state: SavedState) -> None:
    """Replace the state file atomically."""
    document = {
        "version": _VERSION,
        "position": state.position.as_list(),
        "outputs": state.outputs,
        "counters": state.counters,
        "detector": state.detector,
    }
    with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".state.", delete=False) as scratch:
        scratch.write(orjson.dumps(document))
        scratch.flush()
        os.fsync(scratch.fileno())
    os.replace(scratch.name, folder / STATE_FILE)
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _time(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def snapshot_detector(detector: Detector) -> dict[str, Any]:
    """The open aggregation windows and counted requests, as JSON-ready data."""
    aggregator = detector.aggregator
    names = {rule.order: rule.rule.id for rule in detector.index.active}
    windows = [
        {
            "rule": item.rule.rule.id,
            "event": item.event.data,
            "path": item.event.path,
            "line": item.event.line,
            "key": list(item.key),
            "first": _time(item.first_seen),
            "last": _time(item.last_seen),
            "count": item.count,
            "audit_ids": item.audit_ids,
            "serial": item.serial,
        }
        for item in aggregator._open.values()
    ]
    return {
        "serial": aggregator._serial,
        "windows": windows,
        "requests": [[names[o], audit] for o, audit in aggregator._requests_now if o in names],
        "requests_before": [
            [names[o], audit] for o, audit in aggregator._requests_before if o in names
        ],
    }


def restore_detector(detector: Detector, saved: dict[str, Any]) -> int:
    """Rebuild what :func:`snapshot_detector` saved; the number of windows restored."""
    aggregator = detector.aggregator
    rules: dict[str, CompiledRule] = {rule.rule.id: rule for rule in detector.index.active}
    restored = 0
    for window in saved.get("windows") or ():
        rule = rules.get(window.get("rule"))
        event = window.get("event")
        if rule is None or not isinstance(event, dict):
            continue
        key = tuple(str(part) for part in window.get("key") or ())
        first = parse_timestamp(window.get("first"))
        item = _Open(
            rule,
            AuditEvent(event, str(window.get("path") or ""), window.get("line")),
            key,
            first,
            parse_timestamp(window.get("last")),
            int(window.get("count") or 1),
            [str(audit) for audit in window.get("audit_ids") or ()],
            int(window.get("serial") or 0),
        )
        slot = (rule.order, key)
        aggregator._open[slot] = item
        if first is not None:
            deadline = first + rule.rule.aggregation.window
            heapq.heappush(aggregator._deadlines, (deadline, item.serial, slot))
        restored += 1
    aggregator._serial = max(aggregator._serial, int(saved.get("serial") or 0))
    aggregator._requests_now = _requests(saved.get("requests"), rules)
    aggregator._requests_before = _requests(saved.get("requests_before"), rules)
    return restored


def _requests(saved: Any, rules: dict[str, CompiledRule]) -> set[tuple[int, str]]:
    found = set()
    for pair in saved if isinstance(saved, list) else ():
        if isinstance(pair, list) and len(pair) == 2 and pair[0] in rules:
            found.add((rules[pair[0]].order, str(pair[1])))
    return found
