"""Maven artifact versions, ordered as Maven's ``ComparableVersion`` orders them.

A version is split at ``.``, at ``-`` and at every switch between digits and other characters;
a ``-`` (or a switch from digits to letters) opens a nested list, so ``1-1 < 1.1``. Numbers
compare numerically and beat everything else. Qualifiers compare case-insensitively in the order
``alpha < beta < milestone < rc = cr < snapshot < (none) = ga = final = release < sp``, and
unknown qualifiers sort after these, alphabetically. ``a1``, ``b1`` and ``m1`` (a letter directly
followed by a number) mean ``alpha-1``, ``beta-1`` and ``milestone-1``; ``X-1`` is read as
``X1``. Zeros and release qualifiers at the end of a list do not count, so ``1 = 1.0 = 1-ga =
1.0.0-final``. Only ASCII digits are numbers; other characters are qualifier text, lower-cased
as Java does in the English locale.

``ComparableVersion`` accepts any string, and so does this module; like Maven 4 it refuses
strings longer than 256 characters, which also bounds the nesting depth. The items compare with
the same rules, item kind by item kind, as Maven's classes (``IntItem``, ``StringItem``,
``CombinationItem``, ``ListItem``); :class:`MavenVersion` wraps the parsed list as the key.
"""

from __future__ import annotations

from functools import total_ordering
from typing import TypeAlias

from kubeguard.engines.vulns.versions.base import (
    InvalidVersionError,
    accepts,
    checked_text,
    compare_keys,
)

SCHEME = "maven"
#: Maven 4's own limit (``ComparableVersion.MAX_VERSION_LENGTH``).
MAX_LENGTH = 256

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_RELEASE_QUALIFIERS = frozenset(("ga", "final", "release"))
_RELEASE_INDEX = str(_QUALIFIERS.index(""))
_SINGLE_LETTER_QUALIFIERS = {"a": "alpha", "b": "beta", "m": "milestone"}
_ALIASES = {"cr": "rc"}
# IntItem holds up to 9 digits, LongItem up to 18, BigIntegerItem the rest. Maven compares a
# LongItem above any IntItem whatever the values, which matters only when non-ASCII digits (that
# Maven does not strip as leading zeros) inflate the length; the kind is kept to stay exact.
_INT_DIGITS = 9
_LONG_DIGITS = 18


class _MavenParseFailure(Exception):
    """A string on which ``ComparableVersion``'s parser throws (a malformed number)."""


def _java_is_digit(character: str) -> bool:
    """Java's ``Character.isDigit`` on one UTF-16 unit: decimal digits of the first plane."""
    return character.isdecimal() and ord(character) < 0x10000


def _utf16(text: str) -> bytes:
    """Java compares strings by UTF-16 code units; so do these bytes."""
    return text.encode("utf-16-be", "surrogatepass")


class _Number:
    """IntItem, LongItem or BigIntegerItem: ``kind`` orders the three, then ``value``."""

    __slots__ = ("kind", "value")

    def __init__(self, digits: str) -> None:
        stripped = digits.lstrip("0") or "0"
        if not all(_java_is_digit(character) for character in stripped):
            # Integer.parseInt throws here; Python's int() would accept "1_0" or " 1".
            raise _MavenParseFailure
        self.kind = 0 if len(stripped) <= _INT_DIGITS else 1 if len(stripped) <= _LONG_DIGITS else 2
        self.value = int(stripped)

    def is_null(self) -> bool:
        return self.value == 0


class _String:
    """StringItem: a qualifier, compared through its comparable form."""

    __slots__ = ("comparable", "value")

    def __init__(self, value: str, *, followed_by_digit: bool) -> None:
        if followed_by_digit and len(value) == 1:
            value = _SINGLE_LETTER_QUALIFIERS.get(value, value)
        self.value = _ALIASES.get(value, value)
        if self.value in _RELEASE_QUALIFIERS:
            comparable = _RELEASE_INDEX
        elif self.value in _QUALIFIERS:
            comparable = str(_QUALIFIERS.index(self.value))
        else:
            comparable = f"{len(_QUALIFIERS)}-{self.value}"
        self.comparable = _utf16(comparable)

    def is_null(self) -> bool:
        return not self.value


class _Combination:
    """CombinationItem: a qualifier glued to a number (``rc1``, ``X-1``)."""

    __slots__ = ("digits", "qualifier")

    def __init__(self, value: str) -> None:
        # Maven looks for the number with Character.isDigit, which takes any Unicode decimal
        # digit of the Basic Multilingual Plane.
        index = next((i for i, character in enumerate(value) if _java_is_digit(character)), 0)
        self.qualifier = _String(value[:index], followed_by_digit=True)
        self.digits = _Number(value[index:])

    def is_null(self) -> bool:
        return False


class _List(list["_Item"]):
    """ListItem: the whole version, or a sub-list opened by ``-`` or a digit-letter switch."""

    def is_null(self) -> bool:
        return not self

    def normalize(self) -> None:
        for index in range(len(self) - 1, -1, -1):
            item = self[index]
            if not item.is_null():
                continue
            if index == len(self) - 1 or isinstance(self[index + 1], _String):
                del self[index]
            elif isinstance(following := self[index + 1], _List):
                if not following:
                    raise _MavenParseFailure  # Maven reads the first item of an empty list
                if isinstance(following[0], _Combination | _String):
                    del self[index]
        if len(self) == 1 and isinstance(self[0], _List):
            # Removing a zero prefix must not leave an extra level of nesting.
            self[:] = list(self[0])


_Item: TypeAlias = _Number | _String | _Combination | _List


def _compare_with_null(item: _Item) -> int:
    """``item.compareTo(null)``: how the item compares with a missing one."""
    if isinstance(item, _Number):
        return 0 if item.value == 0 else 1
    if isinstance(item, _String):
        return _sign_bytes(item.comparable, _RELEASE_BYTES)
    if isinstance(item, _Combination):
        result = _compare_with_null(item.qualifier)
        return result if result != 0 else _compare_with_null(item.digits)
    for element in item:
        result = _compare_with_null(element)
        if result != 0:
            return result
    return 0


_RELEASE_BYTES = _utf16(_RELEASE_INDEX)


def _sign_bytes(a: bytes, b: bytes) -> int:
    return 1 if a > b else -1 if a < b else 0


def _compare(left: _Item, right: _Item) -> int:
    """``left.compareTo(right)`` with Maven's rules for each pair of item kinds."""
    if isinstance(left, _Number):
        if isinstance(right, _Number):
            return compare_keys((left.kind, left.value), (right.kind, right.value))
        return 1
    if isinstance(left, _List):
        if isinstance(right, _Number):
            return -1
        if isinstance(right, _List):
            for index in range(max(len(left), len(right))):
                if index >= len(left):
                    result = -_compare_with_null(right[index])
                elif index >= len(right):
                    result = _compare_with_null(left[index])
                else:
                    result = _compare(left[index], right[index])
                if result != 0:
                    return result
            return 0
        result = _compare(left[0], right) if left else -_compare_with_null(right)
        for element in left[1:]:
            if result != 0:
                break
            result = _compare_with_null(element)
        return result
    if isinstance(right, _List):
        return -_compare(right, left)
    if isinstance(right, _Number):
        return -1
    if isinstance(left, _String):
        if isinstance(right, _String):
            return _sign_bytes(left.comparable, right.comparable)
        result = _compare(left, right.qualifier)
        if result != 0:
            return result
        return -_compare_with_null(right.digits) if _compare_with_null(left) == 0 else -1
    if isinstance(right, _String):
        return -_compare(right, left)
    result = _compare(left.qualifier, right.qualifier)
    return result if result != 0 else _compare(left.digits, right.digits)


def _parse_item(text: str, *, combination: bool, digits: bool) -> _Item:
    if combination:
        return _Combination(text.replace("-", ""))
    if digits:
        return _Number(text)
    return _String(text, followed_by_digit=False)


def _parse(version: str) -> _List:
    version = version.lower()
    items = _List()
    current = items
    stack = [items]
    is_digit = False
    is_combination = False
    start = 0

    def open_sublist() -> None:
        nonlocal current
        sublist = _List()
        current.append(sublist)
        current = sublist
        stack.append(sublist)

    for index, character in enumerate(version):
        if character == ".":
            if index == start:
                current.append(_Number("0"))
            else:
                current.append(
                    _parse_item(version[start:index], combination=is_combination, digits=is_digit)
                )
            is_combination = False
            start = index + 1
        elif character == "-":
            if index == start:
                current.append(_Number("0"))
            else:
                # X-1 is read as X1.
                if (
                    not is_digit
                    and index != len(version) - 1
                    and _java_is_digit(version[index + 1])
                ):
                    is_combination = True
                    continue
                current.append(
                    _parse_item(version[start:index], combination=is_combination, digits=is_digit)
                )
            start = index + 1
            if current:
                open_sublist()
            is_combination = False
        elif "0" <= character <= "9":
            if not is_digit and index > start:
                is_combination = True
                if current:
                    open_sublist()
            is_digit = True
        else:
            if is_digit and index > start:
                current.append(
                    _parse_item(version[start:index], combination=is_combination, digits=True)
                )
                start = index
                open_sublist()
                is_combination = False
            is_digit = False
    if len(version) > start:
        # 1.0.0.X1 < 1.0.0-X2: a trailing qualifier after a dot is read as after a hyphen.
        if not is_digit and current:
            open_sublist()
        current.append(_parse_item(version[start:], combination=is_combination, digits=is_digit))
    while stack:
        stack.pop().normalize()
    return items


@total_ordering
class MavenVersion:
    """A parsed Maven version; ordered, equal and hashed as ``ComparableVersion`` orders them."""

    __slots__ = ("_hash", "_items", "text")

    def __init__(self, text: str) -> None:
        self.text = checked_text(SCHEME, text, max_length=MAX_LENGTH)
        """The version as written."""
        try:
            self._items = _parse(self.text)
        except _MavenParseFailure as failure:
            raise InvalidVersionError(
                SCHEME, text, "ComparableVersion cannot parse it"
            ) from failure
        self._hash = _ordering_hash(self._items)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, MavenVersion):
            return NotImplemented
        return _compare(self._items, other._items) < 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MavenVersion):
            return NotImplemented
        return _compare(self._items, other._items) == 0

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"MavenVersion({self.text!r})"


def _ordering_hash(item: _Item) -> int:
    """A hash that equal versions share (Maven's ``orderingHashCode``): trailing items that
    compare equal to a missing one, and qualifiers that compare equal, hash alike."""
    if isinstance(item, _List):
        end = len(item)
        while end > 0 and _compare_with_null(item[end - 1]) == 0:
            end -= 1
        if end == 1:
            return _ordering_hash(item[0])
        return hash(tuple(_ordering_hash(element) for element in item[:end]))
    if isinstance(item, _String):
        return hash(item.comparable)
    if isinstance(item, _Combination):
        if _compare_with_null(item.qualifier) == 0 and item.digits.is_null():
            return _ordering_hash(item.qualifier)
        return hash((item.qualifier.comparable, _ordering_hash(item.digits)))
    return hash((item.kind, item.value))


def sort_key(text: str) -> MavenVersion:
    """The parsed Maven version (any string up to 256 characters is one)."""
    return MavenVersion(text)


def compare(a: str, b: str) -> int:
    """``new ComparableVersion(a).compareTo(new ComparableVersion(b))`` as -1, 0 or 1."""
    result = _compare(sort_key(a)._items, sort_key(b)._items)
    return (result > 0) - (result < 0)


def is_valid(text: str) -> bool:
    """Whether Maven parses ``text`` (nearly any string of at most 256 characters)."""
    return accepts(sort_key, text)
