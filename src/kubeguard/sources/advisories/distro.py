"""Distribution feeds: the Debian security tracker JSON and Alpine's secdb, as advisories.

Both are keyed by *source* package and CVE, and both carry states OSV ranges express as follows:

Debian (``https://security-tracker.debian.org/tracker/data/json``), per release codename:
  - ``resolved`` with ``fixed_version: "0"``: not affected;
  - ``resolved`` with a version: affected before it (``introduced: 0, fixed: X``);
  - ``open``: every version affected, no fix (``introduced: 0``); ``nodsa``/``nodsa_reason``
    (``no-dsa``, ``postponed``, ``ignored``) and the ``end-of-life``/``unimportant`` urgencies
    are kept as the entry's note;
  - ``undetermined``: not triaged yet, skipped (as vunnel does).
  The urgency is the entry's severity (``high**``, a guessed urgency, counts as ``high``).

Alpine (``secdb.alpinelinux.org/<branch>/<repo>.json`` or the older YAML):
``packages[].pkg.secfixes`` maps a fixed version to the CVEs it fixes; the key ``"0"`` means
never affected in that branch. The secdb lists fixes only, so it never yields unfixed entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.advisory import (
    Advisory,
    AffectedPackage,
    AffectedRange,
    AffectedState,
    EventKind,
    RangeEvent,
    RangeType,
    normalise_release,
)
from kubeguard.sources.advisories.cvss import distro_rating
from kubeguard.sources.advisories.osv import summary_of

DEBIAN_ORIGIN = "debian-tracker"
ALPINE_ORIGIN = "alpine-secdb"
#: Version strings the feeds use for "not affected".
_NOT_AFFECTED = "0"


def is_debian_tracker(document: Any) -> bool:
    """Whether ``document`` looks like the tracker dump: source packages mapping CVE ids."""
    if not isinstance(document, Mapping) or not document or "id" in document:
        return False
    sample = [value for _, value in zip(range(5), document.values(), strict=False)]
    return all(
        isinstance(value, Mapping)
        and all(
            isinstance(key, str) and key[:4] in ("CVE-", "TEMP", "DSA-", "DLA-") for key in value
        )
        for value in sample
    )


def is_alpine_secdb(document: Any) -> bool:
    """Whether ``document`` is a secdb file (``distroversion`` and ``packages``)."""
    return isinstance(document, Mapping) and "distroversion" in document and "packages" in document


def _fixed_before(version: str) -> tuple[AffectedRange, ...]:
    return (
        AffectedRange(
            RangeType.ECOSYSTEM,
            (RangeEvent(EventKind.INTRODUCED, "0"), RangeEvent(EventKind.FIXED, version)),
        ),
    )


_ALWAYS = (AffectedRange(RangeType.ECOSYSTEM, (RangeEvent(EventKind.INTRODUCED, "0"),)),)


def parse_debian_tracker(
    document: Mapping[str, Any], where: str
) -> Iterator[Advisory | SourceError]:
    """One advisory per CVE, with an entry per source package and release."""
    entries: dict[str, list[AffectedPackage]] = defaultdict(list)
    summaries: dict[str, str] = {}
    for package, cves in document.items():
        if not isinstance(cves, Mapping):
            yield _problem(where, str(package), "expected a mapping of CVE ids")
            continue
        for cve, data in cves.items():
            if not isinstance(data, Mapping):
                yield _problem(where, str(cve), f"{package}: expected a mapping")
                continue
            description = data.get("description")
            if isinstance(description, str) and cve not in summaries:
                summaries[cve] = summary_of(description)
            releases = data.get("releases")
            if isinstance(releases, list) and not releases:
                continue  # the tracker writes an empty list for "no release data"
            if not isinstance(releases, Mapping):
                yield _problem(where, str(cve), f"{package}: releases is not a mapping")
                continue
            for codename, state in releases.items():
                entry = _debian_entry(str(package), str(codename), state)
                if isinstance(entry, str):
                    yield _problem(where, str(cve), f"{package} {codename}: {entry}")
                elif entry is not None:
                    entries[str(cve)].append(entry)
    for cve, affected in entries.items():
        yield Advisory(
            id=cve, summary=summaries.get(cve, ""), affected=tuple(affected), origin=DEBIAN_ORIGIN
        )


def _debian_entry(package: str, codename: str, state: Any) -> AffectedPackage | str | None:
    """The entry of one release, ``None`` if untriaged, or a problem's text."""
    if not isinstance(state, Mapping):
        return "expected a mapping"
    status = state.get("status")
    fixed = state.get("fixed_version")
    urgency = state.get("urgency")
    rating = distro_rating(urgency) if isinstance(urgency, str) else None
    common: dict[str, Any] = {
        "ecosystem": "Debian",
        "release": normalise_release("Debian", codename),
        "name": package,
        "severity": (rating,) if rating else (),
    }
    if status == "resolved":
        if not isinstance(fixed, str) or not fixed:
            return "resolved without a fixed_version"
        if fixed == _NOT_AFFECTED:
            return AffectedPackage(state=AffectedState.NOT_AFFECTED, **common)
        return AffectedPackage(ranges=_fixed_before(fixed), **common)
    if status == "open":
        return AffectedPackage(ranges=_ALWAYS, note=_debian_note(state), **common)
    if status == "undetermined":
        return None
    return f"unknown status {status!r}"


def _debian_note(state: Mapping[str, Any]) -> str | None:
    reason = state.get("nodsa_reason")
    if isinstance(reason, str) and reason:
        return reason
    if state.get("nodsa") is not None:
        return "no-dsa"
    urgency = state.get("urgency")
    if isinstance(urgency, str) and urgency.rstrip("*") in ("end-of-life", "unimportant"):
        return urgency.rstrip("*")
    return None


def parse_alpine_secdb(document: Mapping[str, Any], where: str) -> Iterator[Advisory | SourceError]:
    """One advisory per CVE of the file, with an entry per origin package."""
    branch = document.get("distroversion")
    packages = document.get("packages")
    if not isinstance(branch, str) or not isinstance(packages, list):
        yield SourceError(
            "Alpine secdb without a distroversion string and a packages list",
            location=SourceLocation(where),
        )
        return
    release = normalise_release("Alpine", branch)
    entries: dict[str, list[AffectedPackage]] = defaultdict(list)
    for index, item in enumerate(packages):
        pkg = item.get("pkg") if isinstance(item, Mapping) else None
        name = pkg.get("name") if isinstance(pkg, Mapping) else None
        secfixes = pkg.get("secfixes") if isinstance(pkg, Mapping) else None
        if not isinstance(name, str) or not isinstance(secfixes, Mapping | None):
            yield _problem(where, f"packages[{index}]", "expected pkg.name and a secfixes mapping")
            continue
        for version, ids in (secfixes or {}).items():
            if not isinstance(version, str) or not isinstance(ids, list):
                yield _problem(where, f"{name} {version}", "expected a version and a list of ids")
                continue
            for text in ids:
                for cve in str(text).split():
                    entries[cve].append(_alpine_entry(release, name, version))
    for cve, affected in entries.items():
        yield Advisory(id=cve, affected=tuple(affected), origin=ALPINE_ORIGIN)


def _alpine_entry(release: str, name: str, version: str) -> AffectedPackage:
    if version == _NOT_AFFECTED:
        return AffectedPackage("Alpine", release, name, state=AffectedState.NOT_AFFECTED)
    return AffectedPackage("Alpine", release, name, ranges=_fixed_before(version))


def _problem(where: str, record: str, message: str) -> SourceError:
    return SourceError(f"{record}: {message}", location=SourceLocation(where))
