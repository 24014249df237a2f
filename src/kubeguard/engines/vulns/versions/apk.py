"""Alpine package versions, ordered and validated as apk-tools 3 does (``src/version.c``).

The grammar is ``digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}``. Versions are read as
a stream of tokens and compared token by token. Numbers compare numerically, except that a
dotted component with a leading zero compares as a string (``1.01 < 1.1``, Gentoo's rule).
Suffixes order ``_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p``; a
``~hash`` compares as a string; the ``-rN`` revision comes last.

When one version runs out of tokens or has a token of another kind at some position, apk's tie
rule decides: a pre-release suffix loses, otherwise the token kind that comes later in the
grammar (or the end of the string) loses, so ``1.0 < 1.0a < 1.0.1`` and ``1.0_rc1 < 1.0``.

apk compares malformed versions too, token by token up to the first malformed spot, and so does
:func:`compare` (``1.0 < 1.0bc``; two versions that turn malformed at the same spot are equal).
:func:`is_valid` says whether apk's validator accepts a version.
"""

from __future__ import annotations

from kubeguard.engines.vulns.versions.base import InvalidVersionError, checked_text, compare_keys

SCHEME = "apk"

#: A flat key: for each token its rank, then its value(s); the last token is the end or the
#: malformed spot, which carries no value.
ApkKey = tuple[int | str, ...]

# Token kinds as apk's parser sees them, in grammar order.
_INITIAL_DIGIT, _DIGIT, _LETTER, _SUFFIX, _SUFFIX_NO, _COMMIT_HASH, _REVISION_NO = range(7)

# Ranks in the key. When kinds differ apk lets the later kind lose, except that a pre-release
# suffix loses to everything; when kinds match the values decide. Pre- and post-release
# suffixes get separate ranks, which orders them as their suffix values would.
_RANK_PRE_SUFFIX = 0
_RANK_MALFORMED = 1
_RANK_END = 2
_RANK = {
    _REVISION_NO: 3,
    _COMMIT_HASH: 4,
    _SUFFIX_NO: 5,
    _SUFFIX: 6,  # post-release suffixes only; pre-release ones use _RANK_PRE_SUFFIX
    _LETTER: 7,
    _DIGIT: 8,
    _INITIAL_DIGIT: 9,
}
_PRE_RELEASE_SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4}
_POST_RELEASE_SUFFIXES = {"cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}
_DIGITS = frozenset("0123456789")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_HEX = frozenset("0123456789abcdef")


def _span(text: str, start: int, allowed: frozenset[str]) -> int:
    end = start
    while end < len(text) and text[end] in allowed:
        end += 1
    return end


def _tokens(text: str) -> tuple[ApkKey, bool]:
    """The key of ``text`` and whether apk's validator accepts it."""
    end = _span(text, 0, _DIGITS)
    if end == 0:
        return (_RANK_MALFORMED,), False
    key: list[int | str] = [_RANK[_INITIAL_DIGIT], int(text[:end])]
    kind = _INITIAL_DIGIT
    position = end
    while position < len(text):
        character = text[position]
        if character in _LOWER and kind <= _DIGIT:
            key += (_RANK[_LETTER], character)
            kind = _LETTER
            position += 1
        elif (character == "." and kind <= _DIGIT) or (character in _DIGITS and kind == _SUFFIX):
            kind = _DIGIT if character == "." else _SUFFIX_NO
            start = position + 1 if character == "." else position
            position = _span(text, start, _DIGITS)
            if position == start:
                break
            digits = text[start:position]
            if kind == _SUFFIX_NO:
                key += (_RANK[_SUFFIX_NO], int(digits))
            elif digits[0] == "0":
                # A leading zero makes apk compare the component as a string; any such string
                # sorts below every number without one, since "0" is the lowest digit.
                key += (_RANK[_DIGIT], 0, digits)
            else:
                key += (_RANK[_DIGIT], 1, int(digits))
        elif character == "_" and kind <= _SUFFIX_NO:
            start = position + 1
            position = _span(text, start, _LOWER)
            suffix = text[start:position]
            if suffix in _PRE_RELEASE_SUFFIXES:
                key += (_RANK_PRE_SUFFIX, _PRE_RELEASE_SUFFIXES[suffix])
            elif suffix in _POST_RELEASE_SUFFIXES:
                key += (_RANK[_SUFFIX], _POST_RELEASE_SUFFIXES[suffix])
            else:
                break
            kind = _SUFFIX
        elif character == "~" and kind < _COMMIT_HASH:
            start = position + 1
            position = _span(text, start, _HEX)
            if position == start:
                break
            key += (_RANK[_COMMIT_HASH], text[start:position])
            kind = _COMMIT_HASH
        elif character == "-" and kind < _REVISION_NO and text.startswith("-r", position):
            start = position + 2
            position = _span(text, start, _DIGITS)
            if position == start:
                break
            key += (_RANK[_REVISION_NO], int(text[start:position]))
            kind = _REVISION_NO
        else:
            break
    else:
        key.append(_RANK_END)
        return tuple(key), True
    key.append(_RANK_MALFORMED)
    return tuple(key), False


def sort_key(text: str) -> ApkKey:
    """The key of an apk version (malformed versions included, as apk orders them)."""
    return _tokens(checked_text(SCHEME, text))[0]


def compare(a: str, b: str) -> int:
    """apk's version comparison as -1, 0 or 1."""
    return compare_keys(sort_key(a), sort_key(b))


def is_valid(text: str) -> bool:
    """Whether apk's validator accepts ``text`` (``apk_version_validate``)."""
    try:
        return _tokens(checked_text(SCHEME, text))[1]
    except InvalidVersionError:
        return False
