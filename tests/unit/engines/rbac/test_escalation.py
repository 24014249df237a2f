"""Escalation paths: the steps an attacker can chain, found shortest first."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.rbac import GOAL, AnyAccountOf, Subject, escalation_graph
from kubeguard.engines.posture.rbac.escalation import PodsOf
from kubeguard.model import Inventory
from tests.unit.engines.rbac.objects import binding, role, rule, scan, subject

DEPLOYER = Subject.service_account("ci", "deployer")
BACKUP = Subject.service_account("shop", "backup")


def ci_deployer(*extra: dict[str, Any]) -> Inventory:
    """A CI account that deploys to shop, where a backup account reads all Secrets."""
    return scan(
        role("deployer", rule("create update patch", "deployments", "apps")),
        role("secret-reader", rule("get list", "secrets")),
        binding("ci-deploys", "deployer", subject("sa:deployer", "ci"), namespace="shop"),
        binding("backup-reads", "secret-reader", subject("sa:backup", "shop")),
        {"kind": "ServiceAccount", "metadata": {"name": "backup", "namespace": "shop"}},
        *extra,
    )


def targets(inventory: Inventory, source: Subject) -> list[str]:
    return sorted(str(step.target) for step in escalation_graph(inventory).steps[source])


def test_workload_creation_reaches_a_privileged_account_of_the_namespace() -> None:
    inventory = ci_deployer()
    graph = escalation_graph(inventory)
    (path,) = graph.paths()
    assert path.subject == DEPLOYER
    assert str(path.binding) == "RoleBinding shop/ci-deploys"
    assert [step.target for step in path.steps] == [AnyAccountOf("shop"), BACKUP, GOAL]
    assert path.describe() == (
        "can create pods or workloads in namespace shop (RoleBinding shop/ci-deploys → "
        "ClusterRole deployer rules[0]); can run as ServiceAccount shop/backup; can read every "
        "Secret of the cluster, ServiceAccount tokens included (ClusterRoleBinding backup-reads "
        "→ ClusterRole secret-reader rules[0])"
    )


def test_subjects_that_already_hold_the_goal_are_not_escalating() -> None:
    graph = escalation_graph(ci_deployer())
    assert graph.holds_goal(BACKUP)
    assert all(path.subject != BACKUP for path in graph.paths())


def test_a_namespace_without_privileged_accounts_leads_nowhere() -> None:
    inventory = scan(
        role("deployer", rule("create", "pods")),
        binding("ci-deploys", "deployer", subject("sa:deployer", "ci"), namespace="shop"),
    )
    assert escalation_graph(inventory).paths() == []


def test_pod_creation_in_kube_system_or_everywhere_is_the_goal() -> None:
    inventory = scan(
        role("deployer", rule("create", "pods")),
        binding("in-kube-system", "deployer", subject("user:alice"), namespace="kube-system"),
        binding("everywhere", "deployer", subject("user:bob")),
    )
    paths = {str(p.subject): p for p in escalation_graph(inventory).paths()}
    assert [s.target for s in paths["User alice"].steps] == [AnyAccountOf("kube-system"), GOAL]
    assert paths["User bob"].steps[0].action == "can create pods or workloads in every namespace"


@pytest.mark.parametrize(
    ("granted", "expected_first_target"),
    [
        (rule("create", "serviceaccounts/token", names="backup"), "ServiceAccount shop/backup"),
        (rule("create", "serviceaccounts/token"), "any ServiceAccount of namespace shop"),
        (rule("impersonate", "serviceaccounts", names="backup"), "ServiceAccount shop/backup"),
        (rule("create", "secrets"), "any ServiceAccount of namespace shop"),
        (rule("create", "pods/exec"), "the ServiceAccounts of running pods in namespace shop"),
    ],
)
def test_steps_to_another_account(granted: dict[str, Any], expected_first_target: str) -> None:
    pod = {
        "kind": "Pod",
        "metadata": {"name": "backup", "namespace": "shop"},
        "spec": {"serviceAccountName": "backup", "containers": [{"name": "c", "image": "i"}]},
    }
    inventory = ci_deployer(
        role("step", granted),
        binding("step", "step", subject("user:alice"), namespace="shop"),
        pod,
    )
    (path,) = [p for p in escalation_graph(inventory).paths() if p.subject == Subject.user("alice")]
    assert str(path.steps[0].target) == expected_first_target
    assert path.steps[-1].target == GOAL


def test_exec_reaches_only_accounts_whose_token_pods_mount() -> None:
    pod = {
        "kind": "Pod",
        "metadata": {"name": "backup", "namespace": "shop"},
        "spec": {
            "serviceAccountName": "backup",
            "automountServiceAccountToken": False,
            "containers": [{"name": "c", "image": "i"}],
        },
    }
    inventory = ci_deployer(
        role("exec", rule("create", "pods/exec")),
        binding("exec", "exec", subject("user:alice"), namespace="shop"),
        pod,
    )
    graph = escalation_graph(inventory)
    assert targets(inventory, Subject.user("alice")) == [
        "the ServiceAccounts of running pods in namespace shop"
    ]
    assert graph.steps.get(PodsOf("shop"), []) == []
    assert graph.distance(Subject.user("alice")) is None


def test_reading_a_token_secret_reaches_its_account() -> None:
    token = {
        "kind": "Secret",
        "type": "kubernetes.io/service-account-token",
        "metadata": {
            "name": "backup-token",
            "namespace": "shop",
            "annotations": {"kubernetes.io/service-account.name": "backup"},
        },
    }
    inventory = ci_deployer(
        role("reader", rule("get", "secrets", names="backup-token")),
        binding("read", "reader", subject("user:alice"), namespace="shop"),
        token,
    )
    assert targets(inventory, Subject.user("alice")) == ["ServiceAccount shop/backup"]


@pytest.mark.parametrize(
    ("rules", "reaches"),
    [
        ([rule("impersonate", "groups", names="system:masters")], True),
        ([rule("impersonate", "groups")], True),
        ([rule("impersonate", "users", names="bob")], False),
        ([rule("get", "nodes/proxy")], True),
        ([rule("bind", "clusterroles", "rbac.authorization.k8s.io")], False),
        (
            [
                rule("bind", "clusterroles", "rbac.authorization.k8s.io"),
                rule("create", "clusterrolebindings", "rbac.authorization.k8s.io"),
            ],
            True,
        ),
        ([rule("create update", "clusterrolebindings", "rbac.authorization.k8s.io")], False),
        (
            [
                rule("escalate update", "clusterroles", "rbac.authorization.k8s.io"),
            ],
            True,
        ),
        (
            [
                rule("create", "certificatesigningrequests", "certificates.k8s.io"),
                rule("update", "certificatesigningrequests/approval", "certificates.k8s.io"),
                rule(
                    "approve",
                    "signers",
                    "certificates.k8s.io",
                    names="kubernetes.io/kube-apiserver-client",
                ),
            ],
            True,
        ),
        (
            [
                rule("create", "certificatesigningrequests", "certificates.k8s.io"),
                rule("update", "certificatesigningrequests/approval", "certificates.k8s.io"),
            ],
            False,
        ),
        ([rule("patch", "configmaps", names="aws-auth")], True),
        ([rule("patch", "configmaps", names="coredns")], False),
        ([rule("list", "secrets", names="x")], False),
    ],
)
def test_cluster_wide_goal_powers(rules: list[dict[str, Any]], reaches: bool) -> None:
    inventory = scan(role("power", *rules), binding("power", "power", subject("user:alice")))
    reached = escalation_graph(inventory).distance(Subject.user("alice")) is not None
    assert reached is reaches


def test_the_same_powers_in_one_namespace_are_not_the_goal() -> None:
    inventory = scan(
        role("power", rule("get list", "secrets"), rule("impersonate", "groups")),
        binding("power", "power", subject("user:alice"), namespace="shop"),
    )
    assert not escalation_graph(inventory).holds_goal(Subject.user("alice"))


def test_binding_a_role_that_creates_pods_controls_the_namespace() -> None:
    inventory = ci_deployer(
        role(
            "binder",
            rule("bind", "clusterroles", "rbac.authorization.k8s.io", names="edit"),
            rule("create", "rolebindings", "rbac.authorization.k8s.io"),
        ),
        binding("binder", "binder", subject("user:alice"), namespace="shop"),
    )
    (path,) = [p for p in escalation_graph(inventory).paths() if p.subject == Subject.user("alice")]
    assert path.steps[0].action == "can bind role edit, which creates pods, in namespace shop"
    assert len(path.steps[0].grants) == 2


def test_group_membership_is_a_step() -> None:
    inventory = scan(
        role("secret-reader", rule("get list", "secrets")),
        binding("all-ci", "secret-reader", subject("group:system:serviceaccounts:ci")),
        role("deployer", rule("create", "pods")),
        binding("deploy", "deployer", subject("user:alice"), namespace="ci"),
    )
    graph = escalation_graph(inventory)
    path = graph.shortest_path(Subject.service_account("ci", "anyone"))
    assert path is not None
    assert [step.action for step in path] == [
        "is a member of group system:serviceaccounts:ci",
        "can read every Secret of the cluster, ServiceAccount tokens included",
    ]
    (alice,) = graph.paths()
    assert [str(step.target) for step in alice.steps] == [
        "any ServiceAccount of namespace ci",
        "ServiceAccount ci/default",
        "Group system:serviceaccounts:ci",
        "cluster-admin equivalent",
    ]


def test_shipped_bindings_start_no_paths() -> None:
    shipped = {"kubernetes.io/bootstrapping": "rbac-defaults"}
    inventory = ci_deployer(
        binding(
            "system:controller:thing",
            "deployer",
            subject("sa:thing", "kube-system"),
            namespace="shop",
            labels=shipped,
        ),
    )
    assert [p.subject for p in escalation_graph(inventory).paths()] == [DEPLOYER]


def test_paths_are_listed_shortest_first() -> None:
    inventory = ci_deployer(
        role("pods", rule("create", "pods")),
        binding("kube", "pods", subject("user:zed"), namespace="kube-system"),
    )
    assert [(str(p.subject), len(p)) for p in escalation_graph(inventory).paths()] == [
        ("User zed", 2),
        ("ServiceAccount ci/deployer", 3),
    ]
