"""RubyGems versions, ordered as ``Gem::Version`` (RubyGems 3) orders them.

A version is a dotted list of segments; each ASCII digit run is a number and each ASCII letter
run a string (``1.0.0.rc1`` is ``[1, 0, 0, "rc", 1]``). Any letter makes a version a pre-release,
and string segments sort before numeric ones, so ``1.0.a < 1.0 < 1.0.1``. A hyphen reads as
``.pre.`` (``1.0.0-rc1`` is ``1.0.0.pre.rc1``). Trailing zeros of the release part and of the
pre-release part are dropped before comparing, and a missing segment counts as 0, so ``1 = 1.0``
and ``1.0.a = 1.a``. Letters keep their case and compare as bytes (``B < a``).

Validity is ``Gem::Version.correct?``; as in RubyGems a blank string is version ``0``.
"""

from __future__ import annotations

import re

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "rubygems"

#: Groups ``(kind, …)``: each non-zero segment with the zeros before it folded in, then the end.
GemKey = tuple[tuple[int | str, ...], ...]

_CORRECT = re.compile(
    r"\s*(?:[0-9]+(?>\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*",
    re.ASCII,
)
_SEGMENT = re.compile(r"[0-9]+|[a-zA-Z]+")
_RUBY_WHITESPACE = " \t\n\v\f\r\x00"

# Comparing lists padded with zeros forever: a string loses to the 0 it meets, a number wins.
# Each non-zero segment is folded with the count of zeros before it into one group, ranked so
# that plain tuple order gives Gem::Version's answer.
_STRING_GROUP, _END_GROUP, _NUMBER_GROUP = 0, 1, 2


def _canonical_segments(version: str) -> list[int | str]:
    segments: list[int | str] = [
        int(run) if run[0].isdigit() else run for run in _SEGMENT.findall(version)
    ]
    first_string = next(
        (index for index, segment in enumerate(segments) if isinstance(segment, str)), len(segments)
    )
    canonical: list[int | str] = []
    for part in (segments[:first_string], segments[first_string:]):
        while part and part[-1] == 0:
            part.pop()
        canonical += part
    return canonical


def _normalized(text: str) -> str:
    """The version string as ``Gem::Version`` keeps it: stripped, hyphens read as ``.pre.``."""
    if _CORRECT.fullmatch(checked_text(SCHEME, text)) is None:
        raise InvalidVersionError(SCHEME, text, "malformed version number string")
    return text.strip(_RUBY_WHITESPACE).replace("-", ".pre.")


def sort_key(text: str) -> GemKey:
    """The key of a gem version; :class:`InvalidVersionError` if RubyGems calls it malformed."""
    version = _normalized(text)
    groups: list[tuple[int | str, ...]] = []
    zeros = 0
    for segment in _canonical_segments(version):
        if segment == 0:
            zeros += 1
        elif isinstance(segment, str):
            groups.append((_STRING_GROUP, zeros, segment))
            zeros = 0
        else:
            # More zeros before a number means the zero side meets the number later: it is the
            # smaller version, hence the negated count.
            groups.append((_NUMBER_GROUP, -zeros, segment))
            zeros = 0
    groups.append((_END_GROUP,))
    return tuple(groups)


def compare(a: str, b: str) -> int:
    """``Gem::Version.new(a) <=> Gem::Version.new(b)``."""
    return compare_keys(sort_key(a), sort_key(b))


def is_valid(text: str) -> bool:
    """``Gem::Version.correct?``."""
    return accepts(sort_key, text)


def is_prerelease(text: str) -> bool:
    """``Gem::Version#prerelease?``: whether the version contains a letter."""
    return any(character.isascii() and character.isalpha() for character in _normalized(text))
