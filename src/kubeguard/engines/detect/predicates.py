"""The predicate form every rule front end compiles to: its nodes, semantics and routing.

A rule's condition is a tree of :class:`Node` values: :class:`FieldTest` (one field, one
:class:`Match`), :class:`And`, :class:`Or`, :class:`Not` and :class:`Const`. The YAML rule
language (:mod:`.language`) builds these trees; a Sigma front end builds the same ones, so both
share the compiler (:mod:`.compiler`), the verb/resource index and the engine.

This module holds what the compiler builds on:

- :func:`simplify` folds constants: a test against a threat list that is not loaded becomes
  ``False``, so the rules that need one drop out of the index entirely;
- :func:`route` reads which verbs and resources a condition can match, for the index;
- :func:`compile_closure` evaluates a tree as nested closures over pre-split paths
  (:mod:`.fields`), the reference semantics; :func:`cost` orders the children of ``and`` and
  ``or`` so that cheap, selective tests run first (safe: tests have no side effects).

Matching rules, for every :class:`Match`:

- a field that is missing or ``null`` matches nothing (except ``Exists(False)``);
- a list value (``user.groups``, ``sourceIPs``, every value of a ``[*]`` path) matches when any
  item does; with ``every=True`` every item must match, and there must be at least one;
- types are compared strictly: the rule's ``201`` matches the integer ``201``, not the string
  ``"201"``; ``true`` matches only the boolean;
- string comparison is case-sensitive unless ``ignore_case`` is set (Kubernetes names, verbs and
  resources are case-sensitive; a Sigma front end sets it, Sigma being case-insensitive).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from kubeguard.engines.detect.fields import MISSING, FieldRef, Values, getter

Scalar = str | int | float | bool
Predicate = Callable[[dict[str, Any]], bool]
Check = Callable[[Any], bool]


class AddressList(Protocol):
    """A named list of addresses or networks (threat intelligence, Tor exits, a custom list)."""

    def __contains__(self, address: object) -> bool:
        """Whether ``address`` (an IP address as text) is on the list."""
        ...


#: The lists loaded for a run, by name (``tor``, ``intel/<feed>``, ``custom/<name>`` …).
AddressLists = Mapping[str, AddressList]


# -- matches ---------------------------------------------------------------------------------


class Match:
    """How one value of a field is tested."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Equals(Match):
    """The value is one of ``values``."""

    values: tuple[Scalar, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class StartsWith(Match):
    """A string value starts with one of ``values``."""

    values: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class EndsWith(Match):
    """A string value ends with one of ``values``."""

    values: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Contains(Match):
    """A string value contains one of ``values``."""

    values: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Glob(Match):
    """A string value matches one of the shell patterns (``*``, ``?``; ``\\*`` is a star)."""

    patterns: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Regex(Match):
    """A string value contains a match of one of the regular expressions (Python syntax)."""

    patterns: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Cidr(Match):
    """A string value is an IP address inside one of the networks."""

    networks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Compare(Match):
    """A number compares with ``number`` (booleans and numeric strings are not numbers)."""

    operator: Literal["gt", "gte", "lt", "lte"]
    number: float


@dataclass(frozen=True, slots=True)
class InList(Match):
    """A string value is on one of the named address lists given at run time.

    ``names`` are shell patterns over list names (``custom/*``); no loaded list matching them
    makes the test false, so rules about threat lists stay silent until one is loaded.
    """

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exists(Match):
    """The field is present and not ``null`` (``present=False``: absent or ``null``)."""

    present: bool = True


# -- nodes -----------------------------------------------------------------------------------


class Node:
    """A condition over one event."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FieldTest(Node):
    """One field against one match."""

    field: FieldRef
    match: Match
    every: bool = False
    """Every value must match (instead of any)."""


@dataclass(frozen=True, slots=True)
class And(Node):
    """All children hold."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    """At least one child holds."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not(Node):
    """The child does not hold."""

    child: Node


@dataclass(frozen=True, slots=True)
class Const(Node):
    """Always true or always false."""

    value: bool


TRUE = Const(True)
FALSE = Const(False)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node below it, parents first."""
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


def tests(node: Node) -> Iterator[FieldTest]:
    """Every field test in the tree."""
    return (item for item in walk(node) if isinstance(item, FieldTest))


# -- simplification --------------------------------------------------------------------------


def resolve_lists(names: tuple[str, ...], lists: AddressLists) -> dict[str, AddressList]:
    """The loaded lists whose names match one of the patterns, by name."""
    return {
        name: lists[name]
        for name in sorted(lists)
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in names)
    }


def simplify(node: Node, lists: AddressLists) -> Node:
    """``node`` with constants folded (tests that can never hold become ``FALSE``)."""
    if isinstance(node, FieldTest):
        match = node.match
        if isinstance(match, InList) and not resolve_lists(match.names, lists):
            return FALSE
        if isinstance(match, Equals | StartsWith | EndsWith | Contains) and not match.values:
            return FALSE
        if isinstance(match, Glob | Regex) and not match.patterns:
            return FALSE
        if isinstance(match, Cidr) and not match.networks:
            return FALSE
        return node
    if isinstance(node, Not):
        child = simplify(node.child, lists)
        return Const(not child.value) if isinstance(child, Const) else Not(child)
    if isinstance(node, And | Or):
        neutral = isinstance(node, And)
        children: list[Node] = []
        for child in (simplify(item, lists) for item in node.children):
            if isinstance(child, Const):
                if child.value != neutral:
                    return child
                continue
            if isinstance(child, And | Or) and type(child) is type(node):
                # and(a, and(b, c)) is and(a, b, c): one closure instead of two.
                children.extend(child.children)
            else:
                children.append(child)
        if not children:
            return Const(neutral)
        if len(children) == 1:
            return children[0]
        return type(node)(tuple(children))
    return node


# -- compilation -----------------------------------------------------------------------------


def compile_closure(node: Node, lists: AddressLists | None = None) -> Predicate:
    """``node`` as nested closures (no constant folding: see :func:`simplify`).

    The reference form of a predicate; :mod:`.compiler` generates faster code from the same
    tree and falls back on this for the parts it does not inline.
    """
    return _compile(node, lists or {})


def without_routed_tests(node: Node, routed: Route) -> Node:
    """``node`` without the top-level verb and resource tests that ``routed`` guarantees."""
    if isinstance(node, FieldTest) and implied_by_route(node, routed):
        return TRUE
    if not isinstance(node, And):
        return node
    kept = tuple(child for child in node.children if not implied_by_route(child, routed))
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else And(kept)


def implied_by_route(node: Node, routed: Route) -> bool:
    """Whether ``node`` is a verb or resource test that events filed under ``routed`` pass."""
    if not isinstance(node, FieldTest) or node.every:
        return False
    values = routing_values(node)
    if values is None:
        return False
    allowed = routed.verbs if node.field.text == VERB_FIELD else routed.resources
    return allowed is not None and allowed <= values


def _compile(node: Node, lists: AddressLists) -> Predicate:
    if isinstance(node, Const):
        value = node.value
        return lambda data: value
    if isinstance(node, FieldTest):
        return compile_test(node, lists)
    if isinstance(node, Not):
        inner = _compile(node.child, lists)
        return lambda data: not inner(data)
    if isinstance(node, And):
        return _all([_compile(child, lists) for child in sorted(node.children, key=cost)])
    if isinstance(node, Or):
        return _any([_compile(child, lists) for child in sorted(node.children, key=cost)])
    raise TypeError(f"not a predicate node: {node!r}")


#: Fields that hold the same value for nearly every event (the call succeeded and was allowed):
#: a test on them rarely rejects an event, so it goes after the tests that do.
_UNSELECTIVE = frozenset({"responseStatus.code", "annotations.authorization.k8s.io/decision"})
_LATER = 8


def cost(node: Node) -> int:
    """A rough relative cost of evaluating ``node``, to test cheap and selective parts first.

    Negations and outcome fields (``responseStatus.code``, the authorization decision) rarely
    reject an event, so they count as dearer than they are.
    """
    if isinstance(node, FieldTest):
        base = node.field.cost * (3 if isinstance(node.match, Regex | Glob | Cidr) else 1)
        return base + (_LATER if node.field.text in _UNSELECTIVE else 0)
    if isinstance(node, Not):
        return cost(node.child) + _LATER
    if isinstance(node, And | Or):
        return sum(cost(child) for child in node.children)
    return 0


def _all(parts: list[Predicate]) -> Predicate:
    if len(parts) == 2:
        first, second = parts
        return lambda data: first(data) and second(data)
    if len(parts) == 3:
        first, second, third = parts
        return lambda data: first(data) and second(data) and third(data)

    def every(data: dict[str, Any]) -> bool:
        return all(part(data) for part in parts)

    return every


def _any(parts: list[Predicate]) -> Predicate:
    if len(parts) == 2:
        first, second = parts
        return lambda data: first(data) or second(data)

    def some(data: dict[str, Any]) -> bool:
        return any(part(data) for part in parts)

    return some


def compile_test(test: FieldTest, lists: AddressLists) -> Predicate:
    """One field test as a closure: read the field, test its value(s)."""
    read = getter(test.field, every=test.every)
    match = test.match
    if isinstance(match, Exists):
        present = match.present

        def exists(data: dict[str, Any]) -> bool:
            value = read(data)
            found = value is not MISSING and not (type(value) is Values and not value)
            return found is present

        return exists
    check = compile_check(match, lists)
    if test.every:

        def every(data: dict[str, Any]) -> bool:
            value = read(data)
            if value is MISSING:
                return False
            if type(value) is list or type(value) is Values:
                return bool(value) and all(check(item) for item in value)
            return check(value)

        return every

    def any_value(data: dict[str, Any]) -> bool:
        value = read(data)
        if value is MISSING:
            return False
        if type(value) is list or type(value) is Values:
            return any(check(item) for item in value)
        return check(value)

    return any_value


def compile_check(match: Match, lists: AddressLists | None = None) -> Check:
    """A function testing one value against ``match``."""
    if isinstance(match, Equals):
        return _equals(match)
    if isinstance(match, StartsWith | EndsWith | Contains):
        return _string_check(match)
    if isinstance(match, Glob):
        return _regex_check(
            tuple(_glob_regex(pattern) for pattern in match.patterns),
            match.ignore_case,
            full=True,
        )
    if isinstance(match, Regex):
        return _regex_check(match.patterns, match.ignore_case, full=False)
    if isinstance(match, Cidr):
        return _cidr_check(match)
    if isinstance(match, Compare):
        return _compare_check(match)
    if isinstance(match, InList):
        resolved = tuple(resolve_lists(match.names, lists or {}).values())
        return lambda value: type(value) is str and any(value in found for found in resolved)
    raise TypeError(f"no check for {match!r}")


def _equals(match: Equals) -> Check:
    if match.ignore_case:
        folded = frozenset(v.casefold() for v in match.values if isinstance(v, str))
        exact = _equals(Equals(tuple(v for v in match.values if not isinstance(v, str))))
        return lambda value: value.casefold() in folded if type(value) is str else exact(value)
    strings = frozenset(v for v in match.values if isinstance(v, str))
    booleans = frozenset(v for v in match.values if isinstance(v, bool))
    numbers = frozenset(
        v for v in match.values if isinstance(v, int | float) and not isinstance(v, bool)
    )
    if not booleans and not numbers:
        return lambda value: type(value) is str and value in strings

    def equals(value: Any) -> bool:
        kind = type(value)
        if kind is str:
            return value in strings
        if kind is bool:
            return value in booleans
        if kind is int or kind is float:
            return value in numbers
        return False

    return equals


def _string_check(match: StartsWith | EndsWith | Contains) -> Check:
    fold = match.ignore_case
    values = tuple(v.casefold() for v in match.values) if fold else match.values

    def prepared(value: str) -> str:
        return value.casefold() if fold else value

    if isinstance(match, StartsWith):
        return lambda value: type(value) is str and prepared(value).startswith(values)
    if isinstance(match, EndsWith):
        return lambda value: type(value) is str and prepared(value).endswith(values)
    return lambda value: type(value) is str and any(part in prepared(value) for part in values)


def _glob_regex(pattern: str) -> str:
    """A shell pattern (``*``, ``?``, backslash escapes) as a regular expression."""
    parts = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        position += 1
    return "".join(parts)


def is_glob(value: str) -> bool:
    """Whether a rule value is a pattern (holds an unescaped ``*`` or ``?``)."""
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            return True
    return False


def unescape(value: str) -> str:
    """A rule value without its backslash escapes (``\\*`` is a star)."""
    return re.sub(r"\\(.)", r"\1", value)


def _regex_check(patterns: tuple[str, ...], ignore_case: bool, *, full: bool) -> Check:
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    combined = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)
    test = combined.fullmatch if full else combined.search
    return lambda value: type(value) is str and test(value) is not None


def _cidr_check(match: Cidr) -> Check:
    networks = tuple(ipaddress.ip_network(network, strict=False) for network in match.networks)

    def inside(value: Any) -> bool:
        if type(value) is not str:
            return False
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return any(address in network for network in networks)

    return inside


def _compare_check(match: Compare) -> Check:
    number = match.number
    compare: Callable[[float], bool] = {
        "gt": lambda value: value > number,
        "gte": lambda value: value >= number,
        "lt": lambda value: value < number,
        "lte": lambda value: value <= number,
    }[match.operator]
    return lambda value: (type(value) is int or type(value) is float) and compare(value)


# -- routing ---------------------------------------------------------------------------------

#: The fields the engine routes events on.
VERB_FIELD = "verb"
RESOURCE_FIELD = "objectRef.resource"


@dataclass(frozen=True, slots=True)
class Route:
    """Which verbs and resources a condition can possibly match (``None``: any)."""

    verbs: frozenset[str] | None = None
    resources: frozenset[str] | None = None
    never: bool = field(default=False)
    """The condition can never hold."""


def route(node: Node) -> Route:
    """The verbs and resources ``node`` is limited to, read from its structure."""
    if isinstance(node, Const):
        return Route(frozenset(), frozenset(), never=True) if not node.value else Route()
    if isinstance(node, FieldTest):
        values = routing_values(node)
        if values is None:
            return Route()
        if node.field.text == VERB_FIELD:
            return Route(verbs=values)
        return Route(resources=values)
    if isinstance(node, And):
        parts = [route(child) for child in node.children]
        return Route(
            _intersect([part.verbs for part in parts]),
            _intersect([part.resources for part in parts]),
            never=any(part.never for part in parts),
        )
    if isinstance(node, Or):
        parts = [route(child) for child in node.children if not route(child).never]
        if not parts:
            return Route(frozenset(), frozenset(), never=True)
        return Route(
            _union([part.verbs for part in parts]), _union([part.resources for part in parts])
        )
    return Route()


def routing_values(test: FieldTest) -> frozenset[str] | None:
    """The verbs or resources a test accepts, when it is an exact test on one of them."""
    if test.field.text not in (VERB_FIELD, RESOURCE_FIELD):
        return None
    match = test.match
    if not isinstance(match, Equals) or match.ignore_case:
        return None
    if not all(isinstance(value, str) for value in match.values):
        return None
    return frozenset(str(value) for value in match.values)


def _intersect(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    known = [found for found in sets if found is not None]
    if not known:
        return None
    result = known[0]
    for found in known[1:]:
        result &= found
    return result


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(found is None for found in sets):
        return None
    result: frozenset[str] = frozenset()
    for found in sets:
        if found is not None:
            result |= found
    return result
