"""Rule conditions compiled to one Python function each.

The predicate tree of a rule (:mod:`.predicates`) is folded (:func:`~.predicates.simplify`),
stripped of the verb and resource tests the index already guarantees, and turned into the source
of one function whose body is a single boolean expression: reads of top-level and second-level
fields and exact string tests are written inline, so the common rule ("this verb on this
resource by an anonymous user") costs one call instead of a dozen nested closures. Anything else
(wildcard paths, patterns, CIDRs, numeric comparisons) calls the closure that
:func:`~.predicates.compile_test` builds for it.

The generated source holds only names: every value from a rule file (field names, strings to
compare with, closures) is passed in the function's namespace, so rule text never becomes code.
Very deep conditions are compiled as closures instead, to stay far from the parser's limits.
"""

from __future__ import annotations

from typing import Any

from kubeguard.engines.detect.predicates import (
    AddressLists,
    And,
    Compare,
    Const,
    EndsWith,
    Equals,
    Exists,
    FieldTest,
    Match,
    Node,
    Not,
    Or,
    Predicate,
    Route,
    StartsWith,
    compile_closure,
    compile_test,
    cost,
    simplify,
    without_routed_tests,
)

#: Nesting beyond which a subtree is compiled as closures rather than inlined.
MAX_INLINE_DEPTH = 32


def compile_predicate(
    node: Node, lists: AddressLists | None = None, *, routed: Route | None = None
) -> Predicate:
    """One function evaluating ``node`` on an event's decoded JSON.

    ``routed``: the route the engine files the rule under. Events then reach the predicate only
    with a verb and resource the route allows, so top-level tests that say no more than the
    route are left out.
    """
    loaded = lists or {}
    simple = simplify(node, loaded)
    if routed is not None:
        simple = without_routed_tests(simple, routed)
    return _Generator(loaded).function(simple)


def _any_in(strings: frozenset[str], values: list[Any]) -> bool:
    """Whether a list value holds one of ``strings`` (items of any type)."""
    try:
        return not strings.isdisjoint(values)
    except TypeError:  # a mapping or a list among the items
        return any(type(item) is str and item in strings for item in values)


class _Generator:
    """Builds the source of one predicate and the namespace it runs in."""

    def __init__(self, lists: AddressLists) -> None:
        self._lists = lists
        # Only what the generated expressions use; no other builtin is reachable from them.
        self._namespace: dict[str, Any] = {
            "__builtins__": {
                "type": type,
                "dict": dict,
                "str": str,
                "list": list,
                "int": int,
                "float": float,
            },
            "_any_in": _any_in,
        }

    def function(self, node: Node) -> Predicate:
        source = f"lambda d: {self._expression(node, 0)}"
        code = compile(source, "<kubeguard rule>", "eval")
        function: Predicate = eval(code, self._namespace)  # noqa: S307 - source built from names only
        return function

    def _name(self, value: Any) -> str:
        name = f"_k{len(self._namespace)}"
        self._namespace[name] = value
        return name

    def _expression(self, node: Node, depth: int) -> str:
        if depth > MAX_INLINE_DEPTH:
            return f"{self._name(compile_closure(node, self._lists))}(d)"
        if isinstance(node, Const):
            return "True" if node.value else "False"
        if isinstance(node, Not):
            return f"(not {self._expression(node.child, depth + 1)})"
        if isinstance(node, And | Or):
            joiner = " and " if isinstance(node, And) else " or "
            parts = (
                self._expression(child, depth + 1) for child in sorted(node.children, key=cost)
            )
            return "(" + joiner.join(parts) + ")"
        if isinstance(node, FieldTest):
            return self._test(node)
        raise TypeError(f"not a predicate node: {node!r}")

    def _test(self, test: FieldTest) -> str:
        path = test.field.paths[0]
        direct = (
            not test.every
            and not test.field.multi_valued
            and 1 <= len(path) <= 2
            and all(isinstance(part, str) for part in path)
        )
        if not direct:
            return f"{self._name(compile_test(test, self._lists))}(d)"
        keys = [self._name(part) for part in path]
        # The value is read into _v; a second-level field needs its parent to be a mapping.
        if len(keys) == 1:
            guard, value = "", f"d.get({keys[0]})"
        else:
            guard, value = f"type(_o := d.get({keys[0]})) is dict and ", f"_o.get({keys[1]})"
        match = test.match
        if isinstance(match, Exists):
            if match.present:
                return f"({guard}{value} is not None)"
            return f"(not ({guard}{value} is not None))"
        if (
            isinstance(match, Equals)
            and not match.ignore_case
            and all(isinstance(item, str) for item in match.values)
        ):
            strings = self._name(frozenset(str(item) for item in match.values))
            return (
                f"({guard}((type(_v := {value}) is str and _v in {strings}) "
                f"or (type(_v) is list and _any_in({strings}, _v))))"
            )
        closure = self._name(compile_test(test, self._lists))
        inline = self._inline_check(match)
        if inline is None:
            return f"{closure}(d)"
        # A single value is tested inline; a list value goes to the closure, item by item.
        return (
            f"({guard}((_v := {value}) is not None "
            f"and ({inline} if type(_v) is not list else {closure}(d))))"
        )

    def _inline_check(self, match: Match) -> str | None:
        """An expression testing one value ``_v`` against ``match``, for the common matches."""
        if isinstance(match, StartsWith | EndsWith) and not match.ignore_case:
            method = "startswith" if isinstance(match, StartsWith) else "endswith"
            return f"(type(_v) is str and _v.{method}({self._name(tuple(match.values))}))"
        if isinstance(match, Compare):
            operator = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[match.operator]
            return (
                f"((type(_v) is int or type(_v) is float) and _v {operator} "
                f"{self._name(match.number)})"
            )
        return None
