"""Advisories checked against their ecosystem's version order before they are stored.

A range whose bounds the ecosystem's comparator cannot parse can never be evaluated: it is
dropped with one problem naming the record, the package and the version, and the rest of the
advisory is kept. Ecosystems kubeguard has no comparator for (NuGet, Packagist …) are stored
unchecked, except ``SEMVER`` ranges, which are SemVer whatever the ecosystem.
"""

from __future__ import annotations

import dataclasses

from kubeguard.engines.vulns.ranges import UNLIMITED, ZERO, event_text
from kubeguard.engines.vulns.versions import Ecosystem, VersionScheme
from kubeguard.model.advisory import Advisory, AffectedPackage, AffectedRange, EventKind, RangeType


def scheme_of(ecosystem: str, range_type: RangeType) -> VersionScheme | None:
    """The order a range's events follow, ``None`` for commits or an unknown ecosystem."""
    if range_type is RangeType.GIT:
        return None
    known = Ecosystem.from_osv(ecosystem)
    if known is not None:
        return known.scheme
    return VersionScheme.SEMVER if range_type is RangeType.SEMVER else None


def check_advisory(advisory: Advisory) -> tuple[Advisory, list[str]]:
    """``advisory`` without its unparseable ranges, and one message per range dropped."""
    problems: list[str] = []
    entries = []
    changed = False
    for index, entry in enumerate(advisory.affected):
        kept = []
        for number, affected_range in enumerate(entry.ranges):
            bad = _unparseable(entry, affected_range)
            if bad is None:
                kept.append(affected_range)
            else:
                problems.append(
                    f"affected[{index}].ranges[{number}] ({entry.ecosystem} {entry.name}): "
                    f"unparseable version {bad!r}, range dropped"
                )
        if len(kept) != len(entry.ranges):
            changed = True
            entry = dataclasses.replace(entry, ranges=tuple(kept))
        entries.append(entry)
    if changed:
        advisory = dataclasses.replace(advisory, affected=tuple(entries))
    return advisory, problems


def _unparseable(entry: AffectedPackage, affected_range: AffectedRange) -> str | None:
    scheme = scheme_of(entry.ecosystem, affected_range.type)
    if scheme is None:
        return None
    for event in affected_range.events:
        if (event.kind is EventKind.INTRODUCED and event.version == ZERO) or (
            event.kind is EventKind.LIMIT and event.version == UNLIMITED
        ):
            continue
        if not scheme.is_valid(event_text(scheme, event.version)):
            return event.version
    return None
