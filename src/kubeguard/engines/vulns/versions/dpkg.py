"""Debian package versions (``[epoch:]upstream[-revision]``), ordered as dpkg orders them.

The order is dpkg's ``verrevcmp`` applied to epoch, upstream version and revision in turn: each
part alternates runs of non-digits and digits. Non-digit runs compare character by character,
with ``~`` before everything (even the end of the run), then the end, then letters, then every
other character; digit runs compare as numbers (``1.09`` equals ``1.9``). A missing epoch is 0
and a missing revision equals ``0``, so ``0``, ``0-0`` and ``0:0-0`` are one version.

Validity follows dpkg's ``parseversion``: an empty string, embedded blanks, an epoch that is
not a number in 0..2147483647, nothing after the colon, an empty upstream version or an empty
revision after a trailing ``-`` are errors. What dpkg only warns about (an upstream version that
does not start with a digit, unusual ASCII punctuation) is accepted and ordered as dpkg orders
it. Characters outside ASCII are rejected: dpkg's order for them depends on whether the C
``char`` type of the machine is signed.

``lenient=True`` parses as the Perl ``Dpkg::Version`` module does by default, which tolerates an
empty revision (``1.0-``) and an empty upstream version (``-1``); the corpus keeps those rows in
``dpkg-lenient.tsv``.
"""

from __future__ import annotations

import re

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "dpkg"

#: A dpkg key: the epoch, then for upstream version and revision the flattened
#: ``(non-digit run, number)`` pairs, each part ending in the end-of-part pair.
DpkgKey = tuple[int | str, ...]

_MAX_EPOCH = 2**31 - 1
_BLANKS = " \t"
#: Non-digit characters become code points in dpkg's order, shifted so that the end of a run can
#: be one character below every letter and above ``~``.
_END_OF_RUN = "\x02"


def _order_character(character: str) -> str:
    if character == "~":
        return "\x01"
    if character.isascii() and character.isalpha():
        return chr(ord(character) + 2)
    return chr(ord(character) + 2 + 256)


_ORDER_TABLE = str.maketrans(
    {chr(code): _order_character(chr(code)) for code in range(128) if not chr(code).isdigit()}
)
_RUNS = re.compile(r"([^0-9]*)([0-9]*)")
_EPOCH = re.compile(r"[+-]?[0-9]+")


def _part_key(part: str) -> list[int | str]:
    """``verrevcmp`` as a key: the pairs of one part, the last pair being the end marker."""
    key: list[int | str] = []
    # findall ends with the empty match at the end of the string, which is the end marker; an
    # empty part must still have a first pair before it, and verrevcmp reads "" as "0".
    for non_digits, digits in _RUNS.findall(part or "0"):
        key.append(non_digits.translate(_ORDER_TABLE) + _END_OF_RUN)
        key.append(int(digits) if digits else 0)
    return key


def sort_key(text: str, *, lenient: bool = False) -> DpkgKey:
    """The key of a dpkg version; :class:`InvalidVersionError` if dpkg rejects it."""
    epoch, upstream, revision = _split(checked_text(SCHEME, text), lenient=lenient)
    return (epoch, *_part_key(upstream), *_part_key(revision))


def compare(a: str, b: str, *, lenient: bool = False) -> int:
    """``dpkg --compare-versions`` as -1, 0 or 1."""
    return compare_keys(sort_key(a, lenient=lenient), sort_key(b, lenient=lenient))


def is_valid(text: str, *, lenient: bool = False) -> bool:
    """Whether dpkg (or ``Dpkg::Version`` with ``lenient``) accepts ``text``."""
    return accepts(lambda candidate: sort_key(candidate, lenient=lenient), text)


def _split(text: str, *, lenient: bool) -> tuple[int, str, str]:
    """Epoch, upstream version and revision, or the reason dpkg gives for rejecting ``text``."""

    def invalid(reason: str) -> InvalidVersionError:
        return InvalidVersionError(SCHEME, text, reason)

    version = text.strip(_BLANKS)
    if not version:
        raise invalid("version string is empty")
    if " " in version or "\t" in version:
        raise invalid("version string has embedded spaces")
    if not version.isascii():
        raise invalid("characters outside ASCII")
    epoch = 0
    epoch_text, colon, rest = version.partition(":")
    if colon:
        if not _EPOCH.fullmatch(epoch_text):
            raise invalid("epoch in version is not a number")
        epoch = int(epoch_text)
        if epoch < 0:
            raise invalid("epoch in version is negative")
        if epoch > _MAX_EPOCH:
            raise invalid("epoch in version is too big")
        if not rest:
            raise invalid("nothing after colon in version number")
        version = rest
    upstream, hyphen, revision = version.rpartition("-")
    if not hyphen:
        upstream, revision = revision, ""
    elif not revision and not lenient:
        raise invalid("revision number is empty")
    if not upstream and not lenient:
        raise invalid("version number is empty")
    return epoch, upstream, revision
