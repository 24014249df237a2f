"""RBAC decisions match the API server's authorizer on the cases people get wrong."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.rbac import Request, Subject, can, rbac_index, who_can
from kubeguard.engines.posture.rbac.rules import RoleKey, Rule
from kubeguard.model import Inventory
from tests.unit.engines.rbac.objects import binding, role, rule, scan, subject

ALICE = Subject.user("alice")


def allowed(inventory: Inventory, who: Subject, request: Request) -> bool:
    return can(inventory, who, request).allowed


def test_rolebinding_to_clusterrole_grants_only_in_its_namespace() -> None:
    inventory = scan(
        role("pod-reader", rule("get list", "pods")),
        binding("read", "pod-reader", subject("user:alice"), namespace="shop"),
    )
    assert allowed(inventory, ALICE, Request("list", "pods", namespace="shop"))
    assert not allowed(inventory, ALICE, Request("list", "pods", namespace="orders"))
    # A request across all namespaces is cluster-wide: RoleBindings never allow it.
    assert not allowed(inventory, ALICE, Request("list", "pods"))


def test_clusterrolebinding_grants_everywhere_and_cluster_wide() -> None:
    inventory = scan(
        role("pod-reader", rule("get list", "pods")),
        binding("read", "pod-reader", subject("user:alice")),
    )
    assert allowed(inventory, ALICE, Request("list", "pods", namespace="shop"))
    assert allowed(inventory, ALICE, Request("list", "pods"))


def test_role_reference_resolves_in_the_bindings_namespace_only() -> None:
    inventory = scan(
        role("reader", rule("get", "pods"), namespace="orders"),
        binding("read", "reader", subject("user:alice"), namespace="shop", role_kind="Role"),
    )
    # Role orders/reader is not shop/reader: the binding grants nothing.
    assert not allowed(inventory, ALICE, Request("get", "pods", namespace="shop"))
    assert not allowed(inventory, ALICE, Request("get", "pods", namespace="orders"))


def test_clusterrolebinding_to_a_role_grants_nothing() -> None:
    inventory = scan(
        role("reader", rule("get", "pods"), namespace="shop"),
        binding("read", "reader", subject("user:alice"), role_kind="Role"),
    )
    assert not allowed(inventory, ALICE, Request("get", "pods", namespace="shop"))


@pytest.mark.parametrize(
    ("granted", "request_", "expected"),
    [
        # verbs: "*" is every verb, the escalation verbs included
        (
            rule("*", "roles", "rbac.authorization.k8s.io"),
            Request("escalate", "roles", api_group="rbac.authorization.k8s.io"),
            True,
        ),
        (rule("get", "pods"), Request("list", "pods"), False),
        # API groups: "" is core only, "*" is every group
        (rule("get", "deployments"), Request("get", "deployments", api_group="apps"), False),
        (rule("get", "deployments", "*"), Request("get", "deployments", api_group="apps"), True),
        (rule("get", "pods", "apps"), Request("get", "pods"), False),
        # resources: "*" covers subresources; a resource does not cover its subresources
        (rule("create", "*"), Request("create", "pods", "exec"), True),
        (rule("create", "pods"), Request("create", "pods", "exec"), False),
        (rule("create", "pods/exec"), Request("create", "pods"), False),
        (rule("create", "pods/exec"), Request("create", "pods", "exec"), True),
        (
            rule("update", "*/scale", "apps"),
            Request("update", "deployments", "scale", "apps"),
            True,
        ),
        (
            rule("update", "*/scale", "apps"),
            Request("update", "deployments", api_group="apps"),
            False,
        ),
        (
            rule("update", "*/scale", "apps"),
            Request("update", "deployments", "status", "apps"),
            False,
        ),
        # resourceNames: never the collection (list, watch, create, deletecollection)
        (rule("get list watch", "secrets", names="db"), Request("get", "secrets", name="db"), True),
        (
            rule("get list watch", "secrets", names="db"),
            Request("get", "secrets", name="other"),
            False,
        ),
        (rule("get list watch", "secrets", names="db"), Request("list", "secrets"), False),
        (rule("get list watch", "secrets", names="db"), Request("watch", "secrets"), False),
        (rule("create", "secrets", names="db"), Request("create", "secrets"), False),
        (
            rule("delete deletecollection", "secrets", names="db"),
            Request("deletecollection", "secrets"),
            False,
        ),
        # list with a metadata.name field selector carries the name and so is allowed
        (rule("list", "secrets", names="db"), Request("list", "secrets", name="db"), True),
        # non-resource URLs: exact, or prefix ending in "*"
        (rule("get", urls="/healthz"), Request("get", path="/healthz"), True),
        (rule("get", urls="/healthz"), Request("get", path="/healthz/etcd"), False),
        (rule("get", urls="/healthz/*"), Request("get", path="/healthz/etcd"), True),
        (rule("get", urls="/healthz/*"), Request("get", path="/healthz"), False),
        (rule("get", urls="*"), Request("get", path="/metrics"), True),
        (rule("get", urls="/metrics"), Request("post", path="/metrics"), False),
        # a resource rule never matches a non-resource request, nor the reverse
        (rule("get", "*", "*"), Request("get", path="/metrics"), False),
        (rule("get", urls="*"), Request("get", "pods"), False),
    ],
)
def test_rule_matching(granted: dict[str, Any], request_: Request, expected: bool) -> None:
    parsed = Rule.parse(granted, RoleKey("ClusterRole", "", "r"), 0)
    assert parsed.allows(request_) is expected
    inventory = scan(role("r", granted), binding("b", "r", subject("user:alice")))
    assert allowed(inventory, ALICE, request_) is expected


def test_non_resource_urls_need_a_clusterrolebinding() -> None:
    inventory = scan(
        role("metrics", rule("get", urls="/metrics")),
        binding("b", "metrics", subject("user:alice"), namespace="shop"),
    )
    assert not allowed(inventory, ALICE, Request("get", path="/metrics"))


def test_aggregation_collects_selected_roles_and_names_the_source() -> None:
    inventory = scan(
        role("monitoring", aggregate=[{"matchLabels": {"team": "obs"}}]),
        role("prom", rule("get", "pods"), labels={"team": "obs"}),
        role("other", rule("get", "secrets"), labels={"team": "web"}),
        binding("b", "monitoring", subject("user:alice")),
    )
    answer = can(inventory, ALICE, Request("get", "pods", namespace="shop"))
    assert answer.allowed
    (grant,) = answer.grants
    assert grant.chain() == (
        "ClusterRoleBinding b",
        "ClusterRole monitoring",
        "aggregated from ClusterRole prom",
        "rules[0]: get pods",
    )
    assert not allowed(inventory, ALICE, Request("get", "secrets", namespace="shop"))


def test_aggregation_is_transitive_and_skips_itself() -> None:
    inventory = scan(
        role("top", aggregate=[{"matchLabels": {"to-top": "true"}}]),
        role(
            "middle",
            rule("get", "configmaps"),
            labels={"to-top": "true", "to-middle": "true"},
            aggregate=[{"matchLabels": {"to-middle": "true"}}],
        ),
        role("bottom", rule("get", "pods"), labels={"to-middle": "true"}),
        binding("b", "top", subject("user:alice")),
    )
    assert allowed(inventory, ALICE, Request("get", "pods"))
    assert allowed(inventory, ALICE, Request("get", "configmaps"))
    rules = rbac_index(inventory).roles[RoleKey("ClusterRole", "", "middle")].rules
    assert [r.origin.name for r in rules] == ["middle", "bottom"]


def test_an_empty_aggregation_selector_selects_every_clusterrole() -> None:
    inventory = scan(
        role("everything", aggregate=[{}]),
        binding("b", "everything", subject("user:alice")),
    )
    # The cluster-admin default is a ClusterRole too: the aggregate now holds "*".
    assert allowed(inventory, ALICE, Request("delete", "nodes"))


def test_aggregated_rules_copied_into_a_dump_are_counted_once() -> None:
    copied = rule("get", "pods")
    inventory = scan(
        role("monitoring", copied, aggregate=[{"matchLabels": {"team": "obs"}}]),
        role("prom", copied, labels={"team": "obs"}),
    )
    rules = rbac_index(inventory).roles[RoleKey("ClusterRole", "", "monitoring")].rules
    assert [(r.origin.name, r.index) for r in rules] == [("prom", 0)]


def test_default_roles_stand_in_for_ones_the_scan_lacks() -> None:
    inventory = scan(
        binding("viewers", "view", subject("user:alice"), namespace="shop"),
        binding("editors", "edit", subject("user:bob"), namespace="shop"),
        role(
            "crd-viewer",
            rule("get list", "widgets", "example.com"),
            labels={"rbac.authorization.k8s.io/aggregate-to-view": "true"},
        ),
    )
    bob = Subject.user("bob")
    assert allowed(inventory, ALICE, Request("list", "pods", namespace="shop"))
    assert not allowed(inventory, ALICE, Request("get", "secrets", namespace="shop"))
    assert allowed(inventory, bob, Request("get", "secrets", namespace="shop"))
    # edit includes view, and view aggregates the scanned role: transitively, both get widgets.
    for who in (ALICE, bob):
        assert allowed(
            inventory, who, Request("list", "widgets", api_group="example.com", namespace="shop")
        )
    grant = can(inventory, ALICE, Request("list", "pods", namespace="shop")).grants[0]
    assert grant.chain()[1] == "ClusterRole view (Kubernetes default, not in the scan)"


def test_a_scanned_role_replaces_the_default_of_the_same_name() -> None:
    inventory = scan(
        role("view", rule("get", "configmaps")),
        binding("viewers", "view", subject("user:alice"), namespace="shop"),
    )
    assert not allowed(inventory, ALICE, Request("list", "pods", namespace="shop"))
    assert allowed(inventory, ALICE, Request("get", "configmaps", namespace="shop"))


@pytest.mark.parametrize(
    ("bound", "asking", "expected"),
    [
        (subject("group:system:serviceaccounts:ci"), Subject.service_account("ci", "x"), True),
        (subject("group:system:serviceaccounts:ci"), Subject.service_account("shop", "x"), False),
        (subject("group:system:serviceaccounts"), Subject.service_account("shop", "x"), True),
        (subject("group:system:serviceaccounts"), ALICE, False),
        (subject("group:system:authenticated"), ALICE, True),
        (subject("group:system:authenticated"), Subject.service_account("ci", "x"), True),
        (subject("group:system:authenticated"), Subject.user("system:anonymous"), False),
        (subject("group:system:unauthenticated"), Subject.user("system:anonymous"), True),
        (subject("group:system:unauthenticated"), ALICE, False),
        (subject("user:system:anonymous"), Subject.user("system:anonymous"), True),
        # a User subject spelled as a ServiceAccount's user name is that account
        (subject("user:system:serviceaccount:ci:x"), Subject.service_account("ci", "x"), True),
        (subject("sa:x", "ci"), Subject.user("system:serviceaccount:ci:x"), True),
        # group members are asked about as the group
        (subject("group:devs"), Subject.group("devs"), True),
        (subject("group:system:authenticated"), Subject.group("devs"), True),
    ],
)
def test_implicit_groups(bound: dict[str, Any], asking: Subject, expected: bool) -> None:
    inventory = scan(role("r", rule("get", "pods")), binding("b", "r", bound))
    assert allowed(inventory, asking, Request("get", "pods", namespace="shop")) is expected


def test_service_account_subject_without_namespace() -> None:
    account = Subject.service_account("shop", "api")
    in_rolebinding = scan(
        role("r", rule("get", "pods")), binding("b", "r", subject("sa:api"), namespace="shop")
    )
    assert allowed(in_rolebinding, account, Request("get", "pods", namespace="shop"))
    # A ClusterRoleBinding has no namespace to lend: the subject matches nobody.
    in_clusterrolebinding = scan(
        role("r", rule("get", "pods")), binding("b", "r", subject("sa:api"))
    )
    assert not allowed(in_clusterrolebinding, account, Request("get", "pods", namespace="shop"))
    assert not rbac_index(in_clusterrolebinding).bindings[0].subjects


def test_system_masters_is_allowed_everything_without_rbac() -> None:
    answer = can(scan(), Subject.group("system:masters"), Request("delete", "nodes"))
    assert answer.allowed
    assert answer.superuser
    assert answer.grants == ()


@pytest.mark.parametrize(
    "manifest",
    [
        {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": "get pods"},
        {
            "kind": "ClusterRole",
            "metadata": {"name": "r"},
            "rules": [{"verbs": "*", "apiGroups": ["*"], "resources": ["*"]}],
        },
        {
            "kind": "ClusterRole",
            "metadata": {"name": "r"},
            "rules": [{"verbs": ["get"], "resources": ["pods"]}],
        },
        {
            "kind": "ClusterRole",
            "metadata": {"name": "r"},
            "rules": [{"verbs": [None, 3], "apiGroups": [""], "resources": ["pods"]}],
        },
        {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [["get"]]},
    ],
)
def test_malformed_rules_grant_nothing(manifest: dict[str, Any]) -> None:
    inventory = scan(manifest, binding("b", "r", subject("user:alice")))
    assert not allowed(inventory, ALICE, Request("get", "pods", namespace="shop"))


@pytest.mark.parametrize(
    "manifest",
    [
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "subjects": [{"kind": "User", "name": "alice"}],
        },
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "roleRef": "r",
            "subjects": [{"kind": "User", "name": "alice"}],
        },
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "roleRef": {"kind": "ClusterRole", "name": "r"},
            "subjects": {"kind": "User"},
        },
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "roleRef": {"kind": "ClusterRole", "name": "r"},
            "subjects": [{"kind": "Robot", "name": "alice"}, "alice", {"kind": "User"}],
        },
        {
            "kind": "ClusterRoleBinding",
            "metadata": "b",
            "roleRef": {"kind": "ClusterRole", "name": "missing"},
            "subjects": [{"kind": "User", "name": "alice"}],
        },
    ],
)
def test_malformed_bindings_grant_nothing(manifest: dict[str, Any]) -> None:
    inventory = scan(role("r", rule("get", "pods")), manifest)
    assert not allowed(inventory, ALICE, Request("get", "pods", namespace="shop"))


def test_who_can_answers_with_subjects_and_chains() -> None:
    inventory = scan(
        role("creator", rule("create", "pods")),
        role("admin-ish", rule("*", "*", "*")),
        role("reader", rule("get", "pods")),
        binding("ci", "creator", subject("sa:deployer", "ci"), namespace="shop"),
        binding("elsewhere", "creator", subject("user:bob"), namespace="orders"),
        binding("ops", "admin-ish", subject("group:ops")),
        binding("readers", "reader", subject("user:carol")),
    )
    answer = who_can(inventory, Request("create", "pods", namespace="shop"))
    assert [str(s) for s in answer.subjects] == ["Group ops", "ServiceAccount ci/deployer"]
    deployer = next(g for g in answer.grants if g.subject.kind.value == "ServiceAccount")
    assert deployer.chain() == (
        "RoleBinding shop/ci",
        "ClusterRole creator",
        "rules[0]: create pods",
    )
    anywhere = who_can(inventory, Request("create", "pods"), any_namespace=True)
    assert [str(s) for s in anywhere.subjects] == [
        "Group ops",
        "ServiceAccount ci/deployer",
        "User bob",
    ]
    cluster_wide = who_can(inventory, Request("create", "pods"))
    assert [str(s) for s in cluster_wide.subjects] == ["Group ops"]


def test_who_can_finds_rules_through_subresource_wildcards() -> None:
    inventory = scan(
        role("scaler", rule("update", "*/scale", "apps")),
        binding("b", "scaler", subject("user:alice")),
    )
    answer = who_can(inventory, Request("update", "deployments", "scale", "apps", namespace="a"))
    assert [str(s) for s in answer.subjects] == ["User alice"]
    assert not who_can(
        inventory, Request("update", "deployments", "", "apps", namespace="a")
    ).grants


def test_who_can_agrees_with_can_for_every_subject() -> None:
    inventory = scan(
        role("a", rule("get list", "secrets", names="x"), rule("*", "pods/*")),
        role("b", rule("get", "*", "*")),
        binding("one", "a", subject("user:alice"), subject("group:devs"), namespace="shop"),
        binding("two", "b", subject("sa:api", "shop")),
    )
    requests = [
        Request(verb, resource, sub, "", name, namespace)
        for verb in ("get", "list", "create")
        for resource, sub in (("secrets", ""), ("pods", "exec"), ("pods", ""))
        for name in ("", "x")
        for namespace in ("", "shop", "orders")
    ]
    subjects = [ALICE, Subject.group("devs"), Subject.service_account("shop", "api")]
    for request in requests:
        listed = set(who_can(inventory, request).subjects)
        for who in subjects:
            assert (who in listed) == allowed(inventory, who, request), (who, request)


def test_who_can_anywhere_ignores_rolebindings_for_cluster_scoped_requests() -> None:
    inventory = scan(
        role("node-and-url", rule("get", "nodes"), rule("get", urls="/metrics")),
        binding("in-namespace", "node-and-url", subject("user:alice"), namespace="shop"),
        binding("cluster", "node-and-url", subject("user:bob")),
    )
    for request in (Request("get", "nodes"), Request("get", path="/metrics")):
        answer = who_can(inventory, request, any_namespace=True)
        assert [str(s) for s in answer.subjects] == ["User bob"]
        assert not answer.any_namespace
