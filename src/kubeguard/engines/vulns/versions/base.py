"""What every version scheme shares: the one error type, input checks and the comparator shape.

Each scheme module (``dpkg``, ``rpm``, ``apk``, ``pep440``, ``semver``, ``go``, ``maven``,
``rubygems``) offers the same three functions, so callers and the dispatch in
:mod:`~kubeguard.engines.vulns.versions.schemes` treat them alike:

``sort_key(text)``
    The parsed version as a totally ordered, hashable key. Keys of one scheme compare with ``<``
    and ``==`` exactly as the scheme orders the versions; parse once, compare many times.
``compare(a, b)``
    -1, 0 or 1, as the scheme's reference implementation answers.
``is_valid(text)``
    Whether the scheme's own parser accepts ``text`` without complaint.

Bad input never crashes: a value that is not a string, a string longer than the scheme's limit,
or a string the scheme's reference parser rejects raises :class:`InvalidVersionError` and nothing
else. Where the reference comparator itself orders malformed strings (apk, Go's
``golang.org/x/mod/semver``, Maven's ``ComparableVersion``), the scheme follows it instead of
raising, and ``is_valid`` tells the two apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kubeguard.model.errors import KubeguardError

#: Longest version string any scheme accepts. Real versions stay far below a hundred characters;
#: the bound keeps parsing linear and every digit run well inside Python's int conversion limit.
MAX_VERSION_LENGTH = 1024

_SHOWN_CHARACTERS = 60


class InvalidVersionError(KubeguardError):
    """A version string that its scheme rejects, or a value that is not a version string at all."""

    def __init__(self, scheme: str, text: object, reason: str) -> None:
        shown = repr(
            text[:_SHOWN_CHARACTERS] + "…"
            if isinstance(text, str) and len(text) > _SHOWN_CHARACTERS
            else text
        )
        super().__init__(f"invalid {scheme} version {shown}: {reason}")
        self.scheme = scheme
        """The scheme that rejected the text (``dpkg``, ``pep440``, …)."""
        self.text = text
        """The rejected value, as it was given."""
        self.reason = reason
        """Why the scheme rejected it, in a few words."""


class SortKey(Protocol):
    """A parsed version: totally ordered and hashable within its own scheme."""

    def __lt__(self, other: Any, /) -> bool: ...

    def __le__(self, other: Any, /) -> bool: ...

    def __gt__(self, other: Any, /) -> bool: ...

    def __ge__(self, other: Any, /) -> bool: ...

    def __hash__(self) -> int: ...


class SchemeModule(Protocol):
    """The functions every scheme module provides (modules satisfy this structurally)."""

    def sort_key(self, text: str) -> SortKey:
        """Parse ``text`` into its key; raise :class:`InvalidVersionError` if the scheme rejects it."""
        ...

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as ``a`` sorts before, with or after ``b``."""
        ...

    def is_valid(self, text: str) -> bool:
        """Whether the scheme's parser accepts ``text``."""
        ...


def checked_text(scheme: str, text: object, *, max_length: int = MAX_VERSION_LENGTH) -> str:
    """``text`` itself if it is a string no longer than ``max_length``, else the scheme's error."""
    if not isinstance(text, str):
        raise InvalidVersionError(scheme, text, f"expected a string, got {type(text).__name__}")
    if len(text) > max_length:
        raise InvalidVersionError(scheme, text, f"longer than {max_length} characters")
    return text


def compare_keys(a: SortKey, b: SortKey) -> int:
    """-1, 0 or 1 from two keys of the same scheme."""
    return 1 if a > b else -1 if a < b else 0


def accepts(parse: Callable[[str], object], text: str) -> bool:
    """Whether ``parse`` takes ``text`` without raising :class:`InvalidVersionError`."""
    try:
        parse(text)
    except InvalidVersionError:
        return False
    return True
