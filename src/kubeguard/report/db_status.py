"""``kubeguard db status``: the vulnerability database's age, sources and counts.

The table is for people; the JSON (``--format json``) has the same facts with ISO timestamps and
the age in seconds, for monitoring that alerts on a stale database.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any, assert_never

import orjson

from kubeguard.sources.advisories import DatabaseStatus


class StatusFormat(StrEnum):
    """Formats of ``kubeguard db status``."""

    TABLE = "table"
    JSON = "json"


def render_status(
    status: DatabaseStatus, output_format: StatusFormat, now: datetime.datetime | None = None
) -> str:
    """Render ``status`` in ``output_format`` (``now`` fixes the age, for tests)."""
    age = status.age(now)
    match output_format:
        case StatusFormat.TABLE:
            return _table(status, age)
        case StatusFormat.JSON:
            return orjson.dumps(_document(status, age), option=orjson.OPT_INDENT_2).decode() + "\n"
        case _:
            assert_never(output_format)


def describe_age(age: datetime.timedelta | None) -> str:
    """``3 days 4 hours``, ``12 minutes``, or ``never built``."""
    if age is None:
        return "never built"
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        f"{value} {unit}{'s' if value != 1 else ''}"
        for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if value
    ]
    return " ".join(parts[:2]) or "less than a minute"


def _table(status: DatabaseStatus, age: datetime.timedelta | None) -> str:
    lines = [
        f"database     {status.path}",
        f"built        {status.built_at or '-'} ({describe_age(age)} ago)"
        if status.built_at
        else "built        never: run `kubeguard db import` or `kubeguard db update`",
        f"advisories   {status.advisories} ({status.withdrawn} withdrawn)",
        f"packages     {status.affected} affected-package entries"
        f" ({status.not_affected} marked not affected)",
    ]
    lines += [f"  {ecosystem:<12} {count}" for ecosystem, count in status.by_ecosystem.items()]
    lines += [
        f"problems     {status.problems} during imports",
        f"images       {status.images} inventories kept for `kubeguard image rescan`",
        "sources",
    ]
    if not status.sources:
        lines.append("  none")
    lines += [
        f"  {source.imported_at}  {source.kind:<4}  {source.advisories:>7} advisories"
        f"  {source.problems:>5} problems  {source.location}"
        for source in status.sources
    ]
    return "\n".join(lines) + "\n"


def _document(status: DatabaseStatus, age: datetime.timedelta | None) -> dict[str, Any]:
    return {
        "path": status.path,
        "builtAt": status.built_at,
        "ageSeconds": None if age is None else int(age.total_seconds()),
        "advisories": status.advisories,
        "withdrawn": status.withdrawn,
        "affectedPackages": status.affected,
        "notAffected": status.not_affected,
        "byEcosystem": dict(status.by_ecosystem),
        "problems": status.problems,
        "images": status.images,
        "sources": [
            {
                "location": source.location,
                "kind": source.kind,
                "importedAt": source.imported_at,
                "advisories": source.advisories,
                "problems": source.problems,
            }
            for source in status.sources
        ],
    }
