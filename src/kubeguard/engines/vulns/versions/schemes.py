"""Which comparator applies: version schemes, the OSV ecosystems that use them, and the dispatch.

:class:`VersionScheme` names each comparator; its methods dispatch to the scheme's module.
:class:`Ecosystem` names the OSV ecosystems kubeguard matches (``affected[].package.ecosystem``,
without the release suffix such as ``:12`` in ``Debian:12``) and maps each to its scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import total_ordering
from typing import assert_never

from kubeguard.engines.vulns.versions import (
    apk,
    dpkg,
    go,
    maven,
    npm,
    pep440,
    rpm,
    rubygems,
    semver,
)
from kubeguard.engines.vulns.versions.base import SchemeModule, SortKey


class VersionScheme(StrEnum):
    """A version syntax and its order."""

    DPKG = "dpkg"
    RPM = "rpm"
    APK = "apk"
    PEP440 = "pep440"
    SEMVER = "semver"
    """Strict SemVer 2.0.0 (OSV ``SEMVER`` ranges, crates.io)."""
    NPM = "npm"
    """SemVer as node-semver's loose parser reads it."""
    GO = "go"
    MAVEN = "maven"
    RUBYGEMS = "rubygems"

    @property
    def module(self) -> SchemeModule:
        """The module that implements this scheme."""
        match self:
            case VersionScheme.DPKG:
                return dpkg
            case VersionScheme.RPM:
                return rpm
            case VersionScheme.APK:
                return apk
            case VersionScheme.PEP440:
                return pep440
            case VersionScheme.SEMVER:
                return semver
            case VersionScheme.NPM:
                return npm
            case VersionScheme.GO:
                return go
            case VersionScheme.MAVEN:
                return maven
            case VersionScheme.RUBYGEMS:
                return rubygems
            case _:
                assert_never(self)

    def sort_key(self, text: str) -> SortKey:
        """The scheme's key of ``text`` (see :mod:`~kubeguard.engines.vulns.versions.base`)."""
        return self.module.sort_key(text)

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` in this scheme."""
        return self.module.compare(a, b)

    def is_valid(self, text: str) -> bool:
        """Whether this scheme's parser accepts ``text``."""
        return self.module.is_valid(text)

    def parse(self, text: str) -> Version:
        """``text`` as a :class:`Version` of this scheme."""
        return Version(self, text, self.sort_key(text))


@total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class Version:
    """A version string parsed under one scheme; versions of one scheme are totally ordered.

    Ordering versions of two different schemes raises ``TypeError``; they are never equal.
    """

    scheme: VersionScheme
    """The scheme the text was parsed under."""
    text: str
    """The version as written."""
    key: SortKey = field(repr=False)
    """The scheme's sort key; equal keys mean versions the scheme considers equal."""

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        if other.scheme is not self.scheme:
            raise TypeError(
                f"cannot order a {self.scheme} version against a {other.scheme} version"
            )
        return bool(self.key < other.key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.scheme is other.scheme and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash((self.scheme, self.key))


class Ecosystem(StrEnum):
    """An OSV ecosystem (``affected[].package.ecosystem`` without its release suffix)."""

    DEBIAN = "Debian"
    UBUNTU = "Ubuntu"
    ALPINE = "Alpine"
    WOLFI = "Wolfi"
    CHAINGUARD = "Chainguard"
    RED_HAT = "Red Hat"
    ALMALINUX = "AlmaLinux"
    ROCKY_LINUX = "Rocky Linux"
    AMAZON_LINUX = "Amazon Linux"
    """Not an OSV ecosystem name yet; used for Amazon Linux (ALAS) advisories and inventories."""
    SUSE = "SUSE"
    OPENSUSE = "openSUSE"
    AZURE_LINUX = "Azure Linux"
    PYPI = "PyPI"
    NPM = "npm"
    GO = "Go"
    MAVEN = "Maven"
    RUBYGEMS = "RubyGems"
    CRATES_IO = "crates.io"

    @classmethod
    def from_osv(cls, ecosystem: str) -> Ecosystem | None:
        """The ecosystem of an OSV ``ecosystem`` string (``Debian:12``, ``Alpine:v3.19``,
        ``Red Hat:enterprise_linux:9::appstream``), or ``None`` for one kubeguard cannot order."""
        base = ecosystem.split(":", 1)[0] if isinstance(ecosystem, str) else ""
        try:
            return cls(base)
        except ValueError:
            return None

    @property
    def scheme(self) -> VersionScheme:
        """The version scheme this ecosystem's packages use."""
        match self:
            case Ecosystem.DEBIAN | Ecosystem.UBUNTU:
                return VersionScheme.DPKG
            case Ecosystem.ALPINE | Ecosystem.WOLFI | Ecosystem.CHAINGUARD:
                return VersionScheme.APK
            case (
                Ecosystem.RED_HAT
                | Ecosystem.ALMALINUX
                | Ecosystem.ROCKY_LINUX
                | Ecosystem.AMAZON_LINUX
                | Ecosystem.SUSE
                | Ecosystem.OPENSUSE
                | Ecosystem.AZURE_LINUX
            ):
                return VersionScheme.RPM
            case Ecosystem.PYPI:
                return VersionScheme.PEP440
            case Ecosystem.NPM:
                return VersionScheme.NPM
            case Ecosystem.GO:
                return VersionScheme.GO
            case Ecosystem.MAVEN:
                return VersionScheme.MAVEN
            case Ecosystem.RUBYGEMS:
                return VersionScheme.RUBYGEMS
            case Ecosystem.CRATES_IO:
                return VersionScheme.SEMVER
            case _:
                assert_never(self)


def scheme_for_ecosystem(ecosystem: str) -> VersionScheme | None:
    """The version scheme of an OSV ecosystem string, or ``None`` if kubeguard has none for it."""
    known = Ecosystem.from_osv(ecosystem)
    return None if known is None else known.scheme
