"""OSV records (https://ossf.github.io/osv-schema/) as :class:`~kubeguard.model.advisory.Advisory`.

A record is read defensively: a field of the wrong type loses that field (or that ``affected``
entry, or that range) and yields one problem naming the file and the record id; the rest of
the record is kept. Ecosystems are split into base and release (``Debian:12`` → ``Debian``,
``12``); an ecosystem that is not one of OSV's is a problem and its entry is dropped. Versions
are kept as written: checking them against their ecosystem's order is the matcher's business.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.advisory import (
    Advisory,
    AffectedPackage,
    AffectedRange,
    EventKind,
    RangeEvent,
    RangeType,
    SeverityScore,
    normalise_name,
    normalise_release,
)
from kubeguard.sources.advisories.cvss import distro_rating, score_vector

#: The ecosystems of the OSV schema (``ecosystems.json``), without release suffixes.
OSV_ECOSYSTEMS = frozenset(
    {
        "AlmaLinux",
        "Alpaquita",
        "Alpine",
        "Android",
        "BellSoft Hardened Containers",
        "Bioconductor",
        "Bitnami",
        "Chainguard",
        "CleanStart",
        "ConanCenter",
        "CRAN",
        "crates.io",
        "Debian",
        "Docker Hardened Images",
        "Echo",
        "FreeBSD",
        "GHC",
        "GitHub Actions",
        "Go",
        "Hackage",
        "Hex",
        "Julia",
        "Kubernetes",
        "Linux",
        "Mageia",
        "Maven",
        "MinimOS",
        "npm",
        "NuGet",
        "openEuler",
        "openSUSE",
        "opam",
        "OSS-Fuzz",
        "Packagist",
        "Photon OS",
        "Pub",
        "PyPI",
        "Red Hat",
        "Rocky Linux",
        "Root",
        "RubyGems",
        "SUSE",
        "SwiftURL",
        "TuxCare",
        "Ubuntu",
        "VSCode",
        "Wolfi",
        "Azure Linux",
        "Amazon Linux",
    }
)


class RecordProblems:
    """Problems found in one record, each located at the file and naming the record."""

    def __init__(self, where: str, record_id: str) -> None:
        self.where = where
        self.record_id = record_id
        self.items: list[SourceError] = []

    def add(self, message: str) -> None:
        """Note one problem."""
        self.items.append(
            SourceError(f"{self.record_id}: {message}", location=SourceLocation(self.where))
        )


def split_ecosystem(ecosystem: str) -> tuple[str, str]:
    """``Debian:12`` → ``("Debian", "12")``; ``Red Hat:enterprise_linux:9`` → ``("Red Hat", "9")``."""
    base, _, release = ecosystem.partition(":")
    return base, normalise_release(base, release)


def parse_osv(record: Any, where: str) -> tuple[Advisory | None, list[SourceError]]:
    """The advisory in ``record`` (one OSV object) and the problems found in it."""
    if not isinstance(record, Mapping):
        error = SourceError(
            f"not an OSV record: expected a mapping, got {type(record).__name__}",
            location=SourceLocation(where),
        )
        return None, [error]
    record_id = record.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        return None, [SourceError("OSV record without an id", location=SourceLocation(where))]
    problems = RecordProblems(where, record_id)
    affected = tuple(_affected(record.get("affected"), problems))
    advisory = Advisory(
        id=record_id,
        aliases=tuple(
            a for a in _strings(record.get("aliases"), "aliases", problems) if a != record_id
        ),
        summary=_text(record.get("summary")) or summary_of(_text(record.get("details"))),
        severity=tuple(_severity(record.get("severity"), problems)) + _database_rating(record),
        affected=affected,
        published=_text(record.get("published")) or None,
        modified=_text(record.get("modified")) or None,
        withdrawn=_text(record.get("withdrawn")) or None,
        origin="osv",
    )
    return advisory, problems.items


def _text(value: Any) -> str:
    """Strings as they are; timestamps YAML turned into datetimes, back in ISO form."""
    if isinstance(value, str):
        return value
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if callable(isoformat) else ""


#: Longest summary kept; longer first lines are cut at a word.
SUMMARY_LENGTH = 200


def summary_of(text: str) -> str:
    """The first line of ``text``, cut at a word boundary past :data:`SUMMARY_LENGTH`."""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    if len(line) <= SUMMARY_LENGTH:
        return line
    return line[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def _strings(value: Any, field: str, problems: RecordProblems) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"{field} is not a list")
        return []
    kept = [item for item in value if isinstance(item, str)]
    if len(kept) != len(value):
        problems.add(f"{len(value) - len(kept)} entries of {field} are not strings")
    return kept


def _severity(value: Any, problems: RecordProblems) -> Iterator[SeverityScore]:
    if value is None:
        return
    if not isinstance(value, list):
        problems.add("severity is not a list")
        return
    for entry in value:
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        vector = entry.get("score") if isinstance(entry, Mapping) else None
        if not isinstance(kind, str) or not isinstance(vector, str):
            problems.add("severity entry without a type and a score string")
            continue
        score = score_vector(kind, vector)
        if score is not None:
            yield score


def _database_rating(record: Mapping[str, Any]) -> tuple[SeverityScore, ...]:
    """GHSA's ``database_specific.severity`` (``HIGH``, ``MODERATE`` …), when present."""
    specific = record.get("database_specific")
    word = specific.get("severity") if isinstance(specific, Mapping) else None
    rating = distro_rating(word) if isinstance(word, str) else None
    return (rating,) if rating else ()


def _affected(value: Any, problems: RecordProblems) -> Iterator[AffectedPackage]:
    if value is None:
        return
    if not isinstance(value, list):
        problems.add("affected is not a list")
        return
    for index, entry in enumerate(value):
        package = entry.get("package") if isinstance(entry, Mapping) else None
        ecosystem = package.get("ecosystem") if isinstance(package, Mapping) else None
        name = package.get("name") if isinstance(package, Mapping) else None
        if (
            not isinstance(entry, Mapping)
            or not isinstance(ecosystem, str)
            or not isinstance(name, str)
            or not name
        ):
            problems.add(f"affected[{index}] has no package ecosystem and name")
            continue
        base, release = split_ecosystem(ecosystem)
        if base not in OSV_ECOSYSTEMS:
            problems.add(f"affected[{index}]: unknown ecosystem {ecosystem!r}")
            continue
        yield AffectedPackage(
            ecosystem=base,
            release=release,
            name=normalise_name(base, name),
            ranges=tuple(_ranges(entry.get("ranges"), index, problems)),
            versions=tuple(
                _strings(entry.get("versions"), f"affected[{index}].versions", problems)
            ),
            severity=tuple(_severity(entry.get("severity"), problems)),
        )


def _ranges(value: Any, index: int, problems: RecordProblems) -> Iterator[AffectedRange]:
    if value is None:
        return
    if not isinstance(value, list):
        problems.add(f"affected[{index}].ranges is not a list")
        return
    for number, entry in enumerate(value):
        where = f"affected[{index}].ranges[{number}]"
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        events = entry.get("events") if isinstance(entry, Mapping) else None
        if (
            not isinstance(kind, str)
            or kind not in RangeType.__members__
            or not isinstance(events, list)
        ):
            problems.add(f"{where} has no known type and events list")
            continue
        parsed = _events(events)
        if parsed is None:
            problems.add(f"{where}: each event must be one of {', '.join(EventKind)} with a string")
            continue
        repo = entry.get("repo") if isinstance(entry, Mapping) else None
        yield AffectedRange(RangeType(kind), parsed, repo if isinstance(repo, str) else None)


def _events(events: list[Any]) -> tuple[RangeEvent, ...] | None:
    parsed = []
    for event in events:
        if not isinstance(event, Mapping) or len(event) != 1:
            return None
        ((kind, version),) = event.items()
        if kind not in EventKind._value2member_map_ or not isinstance(version, str):
            return None
        parsed.append(RangeEvent(EventKind(kind), version))
    return tuple(parsed)
