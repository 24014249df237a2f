"""Python package versions (PEP 440), parsed and ordered by the ``packaging`` library.

``packaging`` is the reference implementation pip uses, so the key is its ``Version`` object:
``1.0.post1 > 1.0 > 1.0rc1 > 1.0.dev0``, ``1.0 == 1.0.0``, epochs (``1!0.1``) and local labels
(``1.0+ubuntu1``) as the specification orders them. Strings that are not PEP 440 versions (legacy
``setuptools`` forms such as ``1.0-foo-bar``) are rejected.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "pep440"


def sort_key(text: str) -> Version:
    """The ``packaging`` version of ``text``; :class:`InvalidVersionError` if it is not PEP 440."""
    try:
        return Version(checked_text(SCHEME, text))
    except InvalidVersion as error:
        raise InvalidVersionError(SCHEME, text, "not a PEP 440 version") from error


def compare(a: str, b: str) -> int:
    """PEP 440 ordering as -1, 0 or 1."""
    return compare_keys(sort_key(a), sort_key(b))


def is_valid(text: str) -> bool:
    """Whether ``text`` is a PEP 440 version."""
    return accepts(sort_key, text)
