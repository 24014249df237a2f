"""Version order, exactly as each ecosystem's own tools order versions.

One module per scheme (:mod:`.dpkg`, :mod:`.rpm`, :mod:`.apk`, :mod:`.pep440`, :mod:`.semver`,
:mod:`.npm`, :mod:`.go`, :mod:`.maven`, :mod:`.rubygems`), each with ``sort_key``, ``compare``
and ``is_valid`` (see :mod:`.base` for the contract and the error policy).
:class:`VersionScheme` dispatches to them and :class:`Ecosystem` maps OSV ecosystems to schemes.

For many comparisons, parse once and compare keys::

    key = VersionScheme.DPKG.sort_key
    fixed = key("1.2-3+deb12u1")
    vulnerable = [package for package in packages if key(package.version) < fixed]
"""

from kubeguard.engines.vulns.versions.base import (
    MAX_VERSION_LENGTH,
    InvalidVersionError,
    SchemeModule,
    SortKey,
)
from kubeguard.engines.vulns.versions.schemes import (
    Ecosystem,
    Version,
    VersionScheme,
    scheme_for_ecosystem,
)

__all__ = [
    "MAX_VERSION_LENGTH",
    "Ecosystem",
    "InvalidVersionError",
    "SchemeModule",
    "SortKey",
    "Version",
    "VersionScheme",
    "scheme_for_ecosystem",
]
