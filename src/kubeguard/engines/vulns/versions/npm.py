"""npm package versions: SemVer as node-semver's loose parser reads it (see :mod:`.semver`).

Versions published to the npm registry are strict SemVer; versions read from ``package.json``
files inside images may carry what node-semver tolerates (``v1.2.3``, ``=1.2.3``, surrounding
blanks), so npm versions are parsed loosely. Strict versions order the same either way.
"""

from __future__ import annotations

from kubeguard.engines.vulns.versions import semver
from kubeguard.engines.vulns.versions.semver import SemverKey


def sort_key(text: str) -> SemverKey:
    """The key of an npm version."""
    return semver.sort_key(text, loose=True)


def compare(a: str, b: str) -> int:
    """node-semver's ``compare(a, b, {loose: true})``."""
    return semver.compare(a, b, loose=True)


def is_valid(text: str) -> bool:
    """Whether node-semver's loose parser accepts ``text``."""
    return semver.is_valid(text, loose=True)
