"""Whether a version is inside an OSV range, and which fix comes next, in a scheme's order.

The evaluation is the OSV schema's: a version is affected by a range if it is before every
``limit`` and, walking the events in version order, the last event at or below it is an
``introduced`` (``introduced: "0"`` is below everything) rather than a ``fixed`` (at or below
it) or a ``last_affected`` (strictly below it). A version is also affected when the entry lists
it in ``versions``. ``GIT`` ranges order commits, which needs the repository's history; for
them only the ``versions`` list counts.

Go versions are written without their ``v`` in OSV and with it everywhere else; events are
read through :func:`~kubeguard.engines.vulns.versions.go.from_osv` for the Go scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.vulns.versions import InvalidVersionError, SortKey, VersionScheme
from kubeguard.engines.vulns.versions.go import from_osv
from kubeguard.model.advisory import AffectedPackage, AffectedRange, EventKind, RangeType

#: ``introduced: "0"``: before every version.
ZERO = "0"
#: ``limit: "*"``: no limit.
UNLIMITED = "*"


def event_text(scheme: VersionScheme, version: str) -> str:
    """An event's version in the scheme's own syntax (Go's ``v`` added back)."""
    return from_osv(version) if scheme is VersionScheme.GO else version


class KeyCache:
    """Sort keys of one scheme, parsed once per distinct string; ``None`` for invalid ones."""

    def __init__(self, scheme: VersionScheme) -> None:
        self.scheme = scheme
        self._parse: Callable[[str], SortKey] = scheme.module.sort_key
        self._strict = scheme in (VersionScheme.GO, VersionScheme.APK)
        self._keys: dict[str, SortKey | None] = {}

    def key(self, text: str) -> SortKey | None:
        """The key of ``text`` (an event or installed version), ``None`` if the scheme rejects it."""
        try:
            return self._keys[text]
        except KeyError:
            pass
        key: SortKey | None
        try:
            # Go and apk order malformed strings instead of raising; such a string is no bound.
            key = None if self._strict and not self.scheme.is_valid(text) else self._parse(text)
        except InvalidVersionError:
            key = None
        self._keys[text] = key
        return key


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an entry affects a version, and the first fix above it."""

    affected: bool
    fixed: str | None = None
    """The lowest ``fixed`` event above the version in a range that affects it, as written."""


NOT_AFFECTED = Verdict(False)


def evaluate(entry: AffectedPackage, version: str, keys: KeyCache) -> Verdict:
    """Whether ``entry`` affects ``version`` (already in the scheme's syntax)."""
    scheme = keys.scheme
    installed = keys.key(version)
    listed = version in entry.versions or (
        scheme is VersionScheme.GO and version.removeprefix("v") in entry.versions
    )
    fixes: list[tuple[Any, str]] = []
    in_range = False
    if installed is not None:
        for affected_range in entry.ranges:
            if affected_range.type is RangeType.GIT:
                continue
            hit, fix = _in_range(affected_range, installed, keys)
            in_range = in_range or hit
            if fix is not None:
                fixes.append(fix)
    if not (listed or in_range):
        return NOT_AFFECTED
    if not fixes and installed is not None:
        fixes = list(_fixes_above(entry.ranges, installed, keys))
    fixed = min(fixes, key=lambda pair: pair[0])[1] if fixes else None
    return Verdict(True, fixed)


def _in_range(
    affected_range: AffectedRange, installed: SortKey, keys: KeyCache
) -> tuple[bool, tuple[Any, str] | None]:
    """Whether ``installed`` is in the range, and if so the fix that ends its stretch."""
    scheme = keys.scheme
    events: list[tuple[Any, int, EventKind, str]] = []
    for order, event in enumerate(affected_range.events):
        if event.kind is EventKind.INTRODUCED and event.version == ZERO:
            events.append((None, order, event.kind, event.version))
            continue
        if event.kind is EventKind.LIMIT and event.version == UNLIMITED:
            continue
        text = event_text(scheme, event.version)
        key = keys.key(text)
        if key is None:
            return False, None  # an unordered bound makes the range meaningless
        events.append((key, order, event.kind, text))
    limits = [key for key, _, kind, _ in events if kind is EventKind.LIMIT]
    if limits and not any(installed < limit for limit in limits):
        return False, None
    events.sort(
        key=lambda item: (item[0] is not None, item[0] if item[0] is not None else 0, item[1])
    )
    affected = False
    next_fix: tuple[Any, str] | None = None
    for key, _, kind, text in events:
        if kind is EventKind.INTRODUCED and (key is None or installed >= key):
            affected, next_fix = True, None
        elif kind is EventKind.FIXED and key is not None:
            if installed >= key:
                affected = False
            elif affected and next_fix is None:
                next_fix = (key, text)
        elif kind is EventKind.LAST_AFFECTED and key is not None and installed > key:
            affected = False
    return affected, next_fix if affected else None


def _fixes_above(
    ranges: Iterable[AffectedRange], installed: SortKey, keys: KeyCache
) -> Iterable[tuple[Any, str]]:
    """Every ``fixed`` event above ``installed`` (for versions listed one by one)."""
    for affected_range in ranges:
        if affected_range.type is RangeType.GIT:
            continue
        for event in affected_range.events:
            if event.kind is EventKind.FIXED:
                text = event_text(keys.scheme, event.version)
                key = keys.key(text)
                if key is not None and key > installed:
                    yield key, text
