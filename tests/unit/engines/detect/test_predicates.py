"""Predicates: matching semantics, constant folding, routing, and the compiled form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeguard.engines.detect.compiler import compile_predicate
from kubeguard.engines.detect.fields import parse_field
from kubeguard.engines.detect.predicates import (
    FALSE,
    TRUE,
    And,
    Cidr,
    Compare,
    Contains,
    EndsWith,
    Equals,
    Exists,
    FieldTest,
    Glob,
    InList,
    Match,
    Node,
    Not,
    Or,
    Regex,
    Route,
    StartsWith,
    compile_closure,
    route,
    simplify,
)


def field_test(field: str, match: Match, *, every: bool = False) -> FieldTest:
    return FieldTest(parse_field(field), match, every=every)


def holds(node: Node, event: dict[str, Any], lists: Any = None) -> bool:
    """Evaluate with both the generated function and the closures; they must agree."""
    compiled = compile_predicate(node, lists)(event)
    reference = compile_closure(simplify(node, lists or {}), lists)(event)
    assert compiled == reference
    return compiled


EVENT: dict[str, Any] = {
    "verb": "create",
    "user": {"username": "alice", "groups": ["system:authenticated", "devs"]},
    "sourceIPs": ["10.0.0.7", "203.0.113.9"],
    "requestURI": "/api/v1/namespaces/shop/pods/web/exec?command=sh",
    "objectRef": {"resource": "pods", "namespace": "shop", "subresource": "exec"},
    "responseStatus": {"code": 201},
    "annotations": {"authorization.k8s.io/decision": "allow"},
    "requestObject": {
        "spec": {
            "hostPID": True,
            "containers": [
                {"image": "busybox:1.36", "securityContext": {"privileged": True}},
                {"image": "registry.example.com/app:2", "securityContext": {"privileged": False}},
            ],
        }
    },
}


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (field_test("verb", Equals(("create", "update"))), True),
        (field_test("verb", Equals(("Create",))), False),
        (field_test("verb", Equals(("Create",), ignore_case=True)), True),
        (field_test("user.groups", Equals(("devs",))), True),
        (field_test("user.groups", Equals(("admins",))), False),
        (field_test("responseStatus.code", Equals((201,))), True),
        (field_test("responseStatus.code", Equals(("201",))), False),
        (field_test("requestObject.spec.hostPID", Equals((True,))), True),
        (field_test("requestObject.spec.hostPID", Equals((1,))), False),
        (field_test("requestURI", StartsWith(("/api/v1/",))), True),
        (field_test("requestURI", EndsWith(("command=sh",))), True),
        (field_test("requestURI", Contains(("/exec?",))), True),
        (field_test("requestURI", Contains(("/EXEC?",), ignore_case=True)), True),
        (field_test("requestURI", Glob(("/api/*/pods/*/exec*",))), True),
        (field_test("requestURI", Glob(("/api/*/pods",))), False),
        (field_test("requestURI", Regex((r"command=(sh|bash)\b",))), True),
        (field_test("sourceIPs", Cidr(("203.0.113.0/24",))), True),
        (field_test("sourceIPs", Cidr(("192.0.2.0/24",))), False),
        (field_test("responseStatus.code", Compare("gte", 200)), True),
        (field_test("responseStatus.code", Compare("lt", 200)), False),
        (field_test("requestURI", Compare("gt", 0)), False),
        (field_test("objectRef.name", Exists(True)), False),
        (field_test("objectRef.name", Exists(False)), True),
        (field_test("objectRef.subresource", Exists(True)), True),
        (
            field_test(
                "requestObject.spec.containers[*].securityContext.privileged", Equals((True,))
            ),
            True,
        ),
        (
            field_test(
                "requestObject.spec.containers[*].securityContext.privileged",
                Equals((True,)),
                every=True,
            ),
            False,
        ),
        (field_test("requestObject.spec.containers[*].image", Glob(("*:*",)), every=True), True),
        (field_test("podSpec.containers[*].image", StartsWith(("busybox",))), True),
        (
            And(
                (
                    field_test("verb", Equals(("create",))),
                    Not(field_test("user.username", Equals(("bob",)))),
                )
            ),
            True,
        ),
        (
            Or(
                (
                    field_test("verb", Equals(("get",))),
                    field_test("objectRef.resource", Equals(("nodes",))),
                )
            ),
            False,
        ),
    ],
)
def test_matching_semantics(node: Node, expected: bool) -> None:
    assert holds(node, EVENT) is expected


def test_missing_and_mistyped_fields_match_nothing() -> None:
    broken: dict[str, Any] = {
        "verb": "get",
        "objectRef": "invalid",
        "user": ["not", "a", "mapping"],
        "responseStatus": {"code": "200"},
        "requestObject": {"spec": {"containers": {"image": "x"}}},
    }
    for node in (
        field_test("objectRef.resource", Equals(("pods",))),
        field_test("user.username", StartsWith(("",))),
        field_test("responseStatus.code", Compare("gte", 200)),
        field_test("podSpec.containers[*].image", Glob(("*",))),
        field_test("objectRef.namespace", Exists(True)),
    ):
        assert not holds(node, broken)
    assert holds(field_test("objectRef.namespace", Exists(False)), broken)


def test_every_needs_at_least_one_value() -> None:
    node = field_test("requestObject.spec.containers[*].image", Glob(("*",)), every=True)
    assert not holds(node, {"verb": "create", "requestObject": {"spec": {"containers": []}}})


def test_a_threat_list_test_is_false_until_the_list_is_loaded() -> None:
    node = field_test("sourceIPs", InList(("custom/*",)))
    assert simplify(node, {}) == FALSE
    assert holds(node, EVENT, {"custom/office": {"203.0.113.9"}})
    assert not holds(node, EVENT, {"custom/office": {"198.51.100.1"}})
    assert not holds(node, EVENT, {"tor": {"203.0.113.9"}}), "only lists named custom/* count"


def test_constants_fold_and_nested_conjunctions_flatten() -> None:
    verb = field_test("verb", Equals(("create",)))
    user = field_test("user.username", Equals(("alice",)))
    assert simplify(And((verb, TRUE)), {}) == verb
    assert simplify(And((verb, field_test("sourceIPs", InList(("tor",))))), {}) == FALSE
    assert simplify(Or((verb, Not(FALSE))), {}) == TRUE
    assert simplify(And((verb, And((user, verb)))), {}) == And((verb, user, verb))


def test_routes_are_read_from_the_condition() -> None:
    verb = field_test("verb", Equals(("get", "list")))
    pods = field_test("objectRef.resource", Equals(("pods",)))
    secrets = field_test("objectRef.resource", Equals(("secrets",)))
    user = field_test("user.username", Equals(("alice",)))
    assert route(And((verb, pods))) == Route(frozenset({"get", "list"}), frozenset({"pods"}))
    assert route(Or((And((verb, pods)), And((verb, secrets))))) == Route(
        frozenset({"get", "list"}), frozenset({"pods", "secrets"})
    )
    assert route(Or((pods, user))) == Route(), "a branch without a resource test opens the route"
    assert route(Not(pods)) == Route()
    assert route(field_test("verb", Equals(("GET",), ignore_case=True))) == Route()
    assert route(FALSE).never


def test_routed_tests_are_left_out_but_the_rest_still_applies() -> None:
    node = And(
        (field_test("verb", Equals(("get",))), field_test("user.username", Equals(("alice",))))
    )
    routed = route(node)
    compiled = compile_predicate(node, routed=routed)
    # The verb test is the index's job now: the predicate looks at the user only.
    assert compiled({"verb": "delete", "user": {"username": "alice"}})
    assert not compiled({"verb": "get", "user": {"username": "bob"}})


SCALARS = st.one_of(
    st.sampled_from(["get", "create", "pods", "alice", "a*", "x.y", "", "10.0.0.1"]),
    st.integers(-2, 300),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "verb", "user", "spec"]), inner, max_size=3),
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(["verb", "a", "a.b", "user.a", "a[*].b", "spec.a[*]", "a[0]", "b.verb"])
MATCHES = st.one_of(
    st.builds(
        lambda v: Equals(tuple(v)),
        st.lists(st.sampled_from(["get", "alice", 1, True, 201]), min_size=1, max_size=3),
    ),
    st.builds(lambda v: StartsWith((v,)), st.sampled_from(["a", "", "x"])),
    st.builds(lambda v: Glob((v,)), st.sampled_from(["a*", "*", "?et"])),
    st.builds(lambda v: Compare("gte", v), st.integers(0, 250)),
    st.builds(lambda v: Cidr((v,)), st.sampled_from(["10.0.0.0/8"])),
    st.builds(Exists, st.booleans()),
)
TESTS = st.builds(
    lambda f, m, e: FieldTest(parse_field(f), m, every=e), FIELDS, MATCHES, st.booleans()
)
NODES = st.recursive(
    TESTS,
    lambda inner: st.one_of(
        st.builds(lambda c: And(tuple(c)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda c: Or(tuple(c)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    NODES, st.dictionaries(st.sampled_from(["verb", "a", "b", "user", "spec"]), VALUES, max_size=4)
)
def test_the_generated_code_agrees_with_the_closures(node: Node, event: dict[str, Any]) -> None:
    holds(node, event)
