"""SecurityGroupPolicy matching as the VPC resource controller does it."""

from __future__ import annotations

from typing import Any

from kubeguard.engines.posture.netpol import network_of, security_groups_of
from kubeguard.model import Inventory, K8sObject, SourceLocation


def _sgp(
    name: str, namespace: str = "shop", groups: tuple[str, ...] = ("sg-1",), **spec: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "vpcresources.k8s.aws/v1beta1",
        "kind": "SecurityGroupPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {**spec, "securityGroups": {"groupIds": list(groups)}},
    }


def _pod(name: str, labels: dict[str, str], service_account: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop", "labels": labels},
        "spec": {"serviceAccountName": service_account, "containers": []},
    }


def _index(*objects: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    inventory = Inventory(K8sObject(o, SourceLocation("t.yaml")) for o in objects)
    groups = security_groups_of(inventory)
    return {
        policy.name: tuple(e.name for e in groups.selected(policy)) for policy in groups.policies
    }


def test_pod_selector_matches_pod_labels_in_the_policy_namespace() -> None:
    other_namespace = _pod("elsewhere", {"app": "db"})
    other_namespace["metadata"]["namespace"] = "billing"
    selected = _index(
        _pod("db", {"app": "db"}),
        _pod("web", {"app": "web"}),
        other_namespace,
        _sgp("db", podSelector={"matchLabels": {"app": "db"}}),
    )
    assert selected == {"db": ("db",)}


def test_service_account_selector_matches_the_service_account_labels() -> None:
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "reporter", "namespace": "shop", "labels": {"db": "yes"}},
    }
    selected = _index(
        account,
        _pod("report", {}, service_account="reporter"),
        _pod("web", {}),
        _sgp("by-account", serviceAccountSelector={"matchLabels": {"db": "yes"}}),
        _sgp(
            "both",
            podSelector={"matchLabels": {"app": "web"}},
            serviceAccountSelector={"matchLabels": {"db": "yes"}},
        ),
    )
    assert selected == {"by-account": ("report",), "both": ()}


def test_empty_selector_matches_every_pod_of_the_namespace() -> None:
    assert _index(_pod("a", {}), _pod("b", {"x": "y"}), _sgp("all", podSelector={})) == {
        "all": ("a", "b")
    }


def test_ignored_policies_match_nothing() -> None:
    inventory = Inventory(
        K8sObject(o, SourceLocation("t.yaml"))
        for o in (_pod("a", {}), _sgp("no-selector"), _sgp("no-groups", groups=(), podSelector={}))
    )
    groups = security_groups_of(inventory)
    assert all(policy.problems for policy in groups.policies)
    assert all(not groups.selected(policy) for policy in groups.policies)


def test_groups_of_all_matching_policies_are_unioned() -> None:
    objects = (
        _pod("a", {"app": "a"}),
        _sgp("one", groups=("sg-1", "sg-2"), podSelector={}),
        _sgp("two", groups=("sg-2", "sg-3"), podSelector={"matchLabels": {"app": "a"}}),
    )
    inventory = Inventory(K8sObject(o, SourceLocation("t.yaml")) for o in objects)
    groups = security_groups_of(inventory)
    (endpoint,) = network_of(inventory).endpoints
    assert groups.group_ids(endpoint) == ("sg-1", "sg-2", "sg-3")


def test_other_api_groups_are_not_security_group_policies() -> None:
    foreign = _sgp("lookalike", podSelector={})
    foreign["apiVersion"] = "example.com/v1"
    assert _index(_pod("a", {}), foreign) == {}
