"""RPM versions (``[epoch:]version[-release]``), ordered as rpm's ``rpmvercmp`` and EVR compare.

``rpmvercmp`` splits a string into runs of ASCII digits and runs of ASCII letters; every other
character only separates (``1.0``, ``1_0`` and ``1+0`` are equal). Runs compare pairwise: numbers
numerically, letters as byte strings, and a number beats letters (``xyz.4 < 8``). ``~`` sorts
before anything, even the end of the string (``1.0~rc1 < 1.0``); ``^`` sorts after the end but
before any further run (``1.0 < 1.0^git1 < 1.0.1``). The known quirk that ``1b.fc17 < 1.fc17`` but
``1g.fc17 > 1.fc17`` (letters right after digits are compared against the next run of the other
side) is rpm's current behaviour and is kept.

A full EVR compares epoch (missing means 0), then version, then release, as rpm's
``rpm.vercmp`` does; a missing release sorts before any release, even an empty or ``~`` one
(``1.0 < 1.0-~1 < 1.0-``). (rpm's dependency ranges treat a missing release as "any release";
that is a matching rule, not an order, and belongs to whoever matches ranges.)

rpm accepts any non-empty string.
"""

from __future__ import annotations

import re

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "rpm"

#: A flat key: one rank per run (followed by the run's value for letters and digits), each of
#: epoch, version and release closed by the end rank; a missing release is one lowest rank.
RpmKey = tuple[int | str, ...]

_NO_RELEASE, _TILDE, _END, _CARET, _LETTERS, _DIGITS = range(-1, 5)
_RUN = re.compile(r"[0-9]+|[A-Za-z]+|~|\^")
_ASCII_DIGITS = "0123456789"


def _vercmp_key(text: str) -> list[int | str]:
    key: list[int | str] = []
    for run in _RUN.findall(text):
        if run == "~":
            key.append(_TILDE)
        elif run == "^":
            key.append(_CARET)
        elif run[0].isdigit():
            key += (_DIGITS, int(run))
        else:
            key += (_LETTERS, run)
    key.append(_END)
    return key


def _split(scheme_text: str) -> tuple[str, str, str | None]:
    """Epoch (``0`` if missing), version and release (``None`` if missing), as rpm's parseEVR."""
    digits_end = len(scheme_text) - len(scheme_text.lstrip(_ASCII_DIGITS))
    hyphen = scheme_text.rfind("-", digits_end)
    if scheme_text[digits_end : digits_end + 1] == ":":
        epoch = scheme_text[:digits_end] or "0"
        version_start = digits_end + 1
    else:
        epoch = "0"
        version_start = 0
    if hyphen < 0:
        return epoch, scheme_text[version_start:], None
    return epoch, scheme_text[version_start:hyphen], scheme_text[hyphen + 1 :]


def _parsed(text: str) -> tuple[str, str, str | None]:
    if not checked_text(SCHEME, text):
        raise InvalidVersionError(SCHEME, text, "version string is empty")
    return _split(text)


def vercmp(a: str, b: str) -> int:
    """``rpmvercmp`` itself: one version or release string against another."""
    return compare_keys(
        tuple(_vercmp_key(checked_text(SCHEME, a))), tuple(_vercmp_key(checked_text(SCHEME, b)))
    )


def sort_key(text: str) -> RpmKey:
    """The key of an EVR string; :class:`InvalidVersionError` for an empty one."""
    epoch, version, release = _parsed(text)
    release_key = [_NO_RELEASE] if release is None else _vercmp_key(release)
    return (*_vercmp_key(epoch), *_vercmp_key(version), *release_key)


def compare(a: str, b: str) -> int:
    """rpm's EVR comparison (``rpm.vercmp``) as -1, 0 or 1."""
    return compare_keys(sort_key(a), sort_key(b))


def is_valid(text: str) -> bool:
    """Whether rpm accepts ``text`` (any non-empty string within the length limit)."""
    return accepts(_parsed, text)
