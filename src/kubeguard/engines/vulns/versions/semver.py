"""Semantic Versioning 2.0.0, strict (semver.org, OSV ``SEMVER`` ranges, crates.io) or as npm reads it.

Precedence is semver.org §11: major, minor and patch numerically; a pre-release sorts before its
release; pre-release identifiers compare one by one, numeric ones numerically and below
alphanumeric ones, which compare in ASCII order; more identifiers win when all before are equal.
Build metadata (``+…``) never takes part.

Strict parsing is the grammar of semver.org: no ``v`` prefix, no leading zeros, no whitespace.
``loose=True`` is node-semver's ``{loose: true}`` parser, which npm's tools use: surrounding
whitespace is trimmed, any run of ``v``, ``=`` and whitespace may come first (``v 1.2.3``,
``=1.2.3``), numbers may have leading zeros, and the ``-`` before the pre-release may be missing
(``1.2.3beta``). Like node-semver, loose parsing rejects strings longer than 256 characters and
major, minor or patch numbers above 2**53 - 1. Numeric pre-release identifiers compare exactly
here, where node-semver compares them as doubles above 2**53.
"""

from __future__ import annotations

import re

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "semver"
LOOSE_SCHEME = "npm"

#: ``(major, minor, patch, 1)`` for a release; ``(major, minor, patch, 0, kind, id, …)`` for a
#: pre-release, where ``kind`` is 0 for a numeric identifier and 1 for an alphanumeric one.
SemverKey = tuple[int | str, ...]

#: node-semver's MAX_LENGTH and MAX_SAFE_INTEGER.
NPM_MAX_LENGTH = 256
NPM_MAX_NUMBER = 2**53 - 1

_NUMBER = r"0|[1-9][0-9]*"
_PRE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_ID = r"[0-9A-Za-z-]+"
_STRICT = re.compile(
    rf"({_NUMBER})\.({_NUMBER})\.({_NUMBER})"
    rf"(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?"
    rf"(?:\+{_BUILD_ID}(?:\.{_BUILD_ID})*)?"
)

#: JavaScript's whitespace (``String.prototype.trim`` and ``\s``), which differs from Python's.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_SPACE_CLASS = "".join(f"\\u{ord(character):04x}" for character in _JS_WHITESPACE)
_LOOSE_PRE_ID = r"(?:[0-9]+|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_LOOSE = re.compile(
    rf"[v={_JS_SPACE_CLASS}]*([0-9]+)\.([0-9]+)\.([0-9]+)"
    rf"(?:-?({_LOOSE_PRE_ID}(?:\.{_LOOSE_PRE_ID})*))?"
    rf"(?:\+{_BUILD_ID}(?:\.{_BUILD_ID})*)?"
)


def prerelease_key(identifiers: str | None) -> tuple[int | str, ...]:
    """The §11 key of a dot-separated pre-release (``None`` for a release), flattened."""
    if identifiers is None:
        return (1,)
    key: list[int | str] = [0]
    for identifier in identifiers.split("."):
        if identifier.isdigit():
            key += (0, int(identifier))
        else:
            key += (1, identifier)
    return tuple(key)


def sort_key(text: str, *, loose: bool = False) -> SemverKey:
    """The key of a SemVer string; :class:`InvalidVersionError` if the chosen grammar rejects it."""
    if not loose:
        match = _STRICT.fullmatch(checked_text(SCHEME, text))
        if match is None:
            raise InvalidVersionError(SCHEME, text, "not a SemVer 2.0.0 version")
    else:
        match = _LOOSE.fullmatch(
            checked_text(LOOSE_SCHEME, text, max_length=NPM_MAX_LENGTH).strip(_JS_WHITESPACE)
        )
        if match is None:
            raise InvalidVersionError(LOOSE_SCHEME, text, "not a version node-semver accepts")
    major, minor, patch = int(match[1]), int(match[2]), int(match[3])
    if loose and max(major, minor, patch) > NPM_MAX_NUMBER:
        raise InvalidVersionError(LOOSE_SCHEME, text, "number above node-semver's 2**53 - 1")
    return (major, minor, patch, *prerelease_key(match[4]))


def compare(a: str, b: str, *, loose: bool = False) -> int:
    """SemVer precedence as -1, 0 or 1."""
    return compare_keys(sort_key(a, loose=loose), sort_key(b, loose=loose))


def is_valid(text: str, *, loose: bool = False) -> bool:
    """Whether ``text`` is a SemVer version (as node-semver reads it, with ``loose``)."""
    return accepts(lambda candidate: sort_key(candidate, loose=loose), text)
