"""Go module versions, ordered as ``golang.org/x/mod/semver`` orders them.

Go versions are SemVer with a ``v`` prefix; ``v1`` and ``v1.2`` are shorthands for ``v1.0.0`` and
``v1.2.0`` (but ``v1-pre`` and ``v1.2+meta`` are not valid). Build metadata such as
``+incompatible`` does not take part in the order. Pseudo-versions are ordinary pre-releases,
which is what makes them sort where Go wants them: ``v0.0.0-20191109021931-daa7c04131f5`` before
``v0.0.0`` and by commit time, ``v1.2.4-0.20191109021931-…`` after ``v1.2.3`` and before
``v1.2.4-alpha``, ``v1.2.3-pre.0.20191109021931-…`` after ``v1.2.3-pre``.

As in ``semver.Compare``, an invalid string is not an error: it sorts below every valid version
and equal to every other invalid one. :func:`is_valid` tells them apart. OSV writes Go versions
without the ``v`` (as ``SEMVER`` ranges); :func:`from_osv` adds it back.
"""

from __future__ import annotations

import re

from kubeguard.engines.vulns.versions.base import MAX_VERSION_LENGTH, checked_text, compare_keys
from kubeguard.engines.vulns.versions.semver import prerelease_key

SCHEME = "go"

#: ``(0,)`` for an invalid version, else ``(1, major, minor, patch, *pre-release key)``.
GoKey = tuple[int | str, ...]

_NUMBER = r"0|[1-9][0-9]*"
_PRE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD = r"\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_VERSION = re.compile(
    rf"v({_NUMBER})(?:\.({_NUMBER})(?:\.({_NUMBER})(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?(?:{_BUILD})?)?)?"
)
# golang.org/x/mod/module's pseudoVersionRE; valid only together with semver validity.
_PSEUDO = re.compile(
    r"v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_INVALID: GoKey = (0,)


def sort_key(text: str) -> GoKey:
    """The key of a Go version; every invalid string gets the same lowest key."""
    match = _VERSION.fullmatch(checked_text(SCHEME, text))
    if match is None:
        return _INVALID
    major, minor, patch, prerelease = match.groups()
    return (1, int(major), int(minor or 0), int(patch or 0), *prerelease_key(prerelease))


def compare(a: str, b: str) -> int:
    """``semver.Compare(a, b)`` of ``golang.org/x/mod``."""
    return compare_keys(sort_key(a), sort_key(b))


def is_valid(text: str) -> bool:
    """``semver.IsValid``: whether ``text`` is a Go version (shorthands included)."""
    return (
        isinstance(text, str)
        and len(text) <= MAX_VERSION_LENGTH
        and _VERSION.fullmatch(text) is not None
    )


def is_pseudo_version(text: str) -> bool:
    """``module.IsPseudoVersion``: whether ``text`` is one of Go's three pseudo-version forms."""
    return is_valid(text) and text.count("-") >= 2 and _PSEUDO.fullmatch(text) is not None


def from_osv(text: str) -> str:
    """A Go version as OSV writes it (``1.2.3``) in Go's own form (``v1.2.3``)."""
    return text if text.startswith("v") else f"v{text}"
