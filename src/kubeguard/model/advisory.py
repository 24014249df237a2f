"""Vulnerability advisories as matching reads them, and the feed that serves them.

An advisory (an OSV record, a Debian security tracker entry, an Alpine secdb fix) names one
vulnerability and the packages it affects. Each :class:`AffectedPackage` is keyed by ecosystem,
release and name, the way the database indexes it:

``ecosystem``
    The OSV ecosystem without its release suffix: ``Debian``, ``Alpine``, ``PyPI`` …
``release``
    The distribution release the entry is about, normalised so that an image's ``os-release``
    can name it: ``12`` for ``Debian:12`` and for Debian's ``bookworm``, ``v3.19`` for
    ``Alpine:v3.19``, ``22.04`` for ``Ubuntu:22.04:LTS``, ``9`` for Red Hat Enterprise Linux 9.
    Empty for language ecosystems.
``name``
    The package name the ecosystem's advisories use: the *source* package for distributions,
    the PEP 503 normalised name for PyPI, the module path for Go, ``groupId:artifactId`` for Maven.

Ranges follow the OSV schema: a timeline of ``introduced``/``fixed``/``last_affected``/``limit``
events per range, plus an explicit list of affected versions. Distribution states map onto it:
a fixed entry is ``introduced: 0, fixed: X``; an unfixed one is ``introduced: 0`` alone (every
version affected, no fix to offer); a "not affected" entry has :attr:`AffectedState.NOT_AFFECTED`
and is kept only so that counts add up.

Engines read advisories through :class:`AdvisoryFeed`, a Protocol the advisory database meets
structurally, so the matcher never imports the database.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kubeguard.model.finding import Severity


class RangeType(StrEnum):
    """How a range's event versions are ordered (OSV ``ranges[].type``)."""

    ECOSYSTEM = "ECOSYSTEM"
    SEMVER = "SEMVER"
    GIT = "GIT"
    """Commit hashes: ordering needs the repository's history, so only ``versions`` is used."""


class EventKind(StrEnum):
    """One OSV range event."""

    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


@dataclass(frozen=True, slots=True)
class RangeEvent:
    """``{"introduced": "1.0"}`` and the like; ``introduced: "0"`` means before every version."""

    kind: EventKind
    version: str


@dataclass(frozen=True, slots=True)
class AffectedRange:
    """One OSV range: events in their recorded order."""

    type: RangeType
    events: tuple[RangeEvent, ...]
    repo: str | None = None
    """The repository of a ``GIT`` range."""


class AffectedState(StrEnum):
    """What the source says about the package in that release."""

    AFFECTED = "affected"
    """Versions inside the ranges are vulnerable (fixed or not: see the ranges' ``fixed`` events)."""
    NOT_AFFECTED = "not_affected"
    """Debian ``fixed_version: "0"``, Alpine secfixes key ``"0"``: never vulnerable here."""


class ScoreType(StrEnum):
    """What a severity entry is (OSV ``severity[].type`` plus distributions' own ratings)."""

    CVSS_V2 = "CVSS_V2"
    CVSS_V3 = "CVSS_V3"
    CVSS_V4 = "CVSS_V4"
    DISTRO = "DISTRO"
    """A distribution's or database's own word (Debian urgency, GHSA ``MODERATE``, Ubuntu)."""


@dataclass(frozen=True, slots=True)
class SeverityScore:
    """One rating of a vulnerability: a CVSS vector with its base score, or a distro's word."""

    type: ScoreType
    vector: str
    """The CVSS vector as published, or the distro's rating as written (``high**``)."""
    score: float | None = None
    """The CVSS base score computed from the vector; ``None`` where it cannot be computed."""
    severity: Severity | None = None
    """The rating as a kubeguard severity: from the score's CVSS band, or the distro's word."""


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One package in one ecosystem (and release) that an advisory affects."""

    ecosystem: str
    release: str
    name: str
    ranges: tuple[AffectedRange, ...] = ()
    versions: tuple[str, ...] = ()
    """Versions listed as affected one by one (OSV ``versions[]``)."""
    state: AffectedState = AffectedState.AFFECTED
    note: str | None = None
    """The distro's qualifier, for people: ``no-dsa``, ``postponed``, ``end-of-life`` …"""
    severity: tuple[SeverityScore, ...] = ()
    """Ratings specific to this package (OSV ``affected[].severity``, Debian urgency)."""


@dataclass(frozen=True, slots=True)
class Advisory:
    """One vulnerability record and what it affects."""

    id: str
    """``CVE-2024-1234``, ``PYSEC-2021-1``, ``GHSA-…``, ``DSA-…``."""
    aliases: tuple[str, ...] = ()
    """Other ids of the same vulnerability (CVE, GHSA …), without :attr:`id`."""
    summary: str = ""
    severity: tuple[SeverityScore, ...] = ()
    affected: tuple[AffectedPackage, ...] = ()
    published: str | None = None
    modified: str | None = None
    withdrawn: str | None = None
    """When the record was withdrawn; withdrawn advisories are stored but never matched."""
    origin: str = "osv"
    """The kind of feed: ``osv``, ``debian-tracker``, ``alpine-secdb``."""


@dataclass(frozen=True, slots=True)
class AdvisoryMatch:
    """An advisory's entry for one package, as a feed returns it to the matcher."""

    advisory: Advisory
    """The advisory, with only the entry that matched in :attr:`Advisory.affected`."""
    affected: AffectedPackage


class AdvisoryFeed(Protocol):
    """Where the matcher gets advisories: the local database, or anything shaped like it."""

    def advisories_for(
        self, ecosystem: str, release: str, names: Collection[str]
    ) -> Mapping[str, Sequence[AdvisoryMatch]]:
        """Entries of ``ecosystem``/``release`` for each of ``names`` (names with none may be absent)."""
        ...


@dataclass(frozen=True, slots=True)
class VexStatement:
    """One OpenVEX statement: what a supplier says about a vulnerability in some products."""

    vulnerability: str
    """The vulnerability's id (``CVE-…``) or any of its aliases."""
    products: tuple[str, ...]
    """Package URLs (or other ids, such as an image digest) of the products."""
    subcomponents: tuple[str, ...] = ()
    """Package URLs inside those products the statement is limited to; empty for all."""
    status: str = "not_affected"
    """``not_affected``, ``affected``, ``fixed`` or ``under_investigation``."""
    justification: str | None = None
    impact_statement: str | None = None
    timestamp: str | None = None
    source: str = ""
    """The document it came from, for the suppression message."""


#: Debian release codenames by number; the security tracker names releases by codename.
DEBIAN_CODENAMES = {
    "buzz": "1.1",
    "rex": "1.2",
    "bo": "1.3",
    "hamm": "2.0",
    "slink": "2.1",
    "potato": "2.2",
    "woody": "3.0",
    "sarge": "3.1",
    "etch": "4",
    "lenny": "5",
    "squeeze": "6",
    "wheezy": "7",
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
    "forky": "14",
    "duke": "15",
}
_PEP503 = re.compile(r"[-_.]+")
_MAJOR = re.compile(r"\d+")


def normalise_release(ecosystem: str, release: str) -> str:
    """The release part of an ecosystem string in the form the database keys on.

    ``Debian``: ``bookworm``/``12``/``12.5`` → ``12``; ``Alpine``: ``v3.19``/``3.19.1`` →
    ``v3.19``; ``Ubuntu``: ``22.04:LTS`` → ``22.04``; RPM distributions: the major release
    (``enterprise_linux:9::appstream`` → ``9``, ``2023`` → ``2023``).
    """
    text = release.strip().lower() if isinstance(release, str) else ""
    if not text:
        return ""
    if ecosystem == "Debian":
        text = DEBIAN_CODENAMES.get(text, text)
        major, dot, _ = text.partition(".")
        # Point releases (12.5) share their major's advisories; 1.x-3.x releases were numbered so.
        return major if dot and major.isdigit() and int(major) >= 4 else text
    if ecosystem == "Alpine":
        parts = text.removeprefix("v").split(".")
        return f"v{'.'.join(parts[:2])}"
    if ecosystem == "Ubuntu":
        return next((part for part in text.split(":") if part[:1].isdigit()), text)
    if ecosystem in ("Red Hat", "AlmaLinux", "Rocky Linux", "Amazon Linux"):
        number = _MAJOR.search(text)
        return number.group() if number else text
    return text


def normalise_name(ecosystem: str, name: str) -> str:
    """A package name as the database keys on it: PEP 503 for PyPI, as written elsewhere."""
    if ecosystem == "PyPI":
        return _PEP503.sub("-", name).lower()
    return name
