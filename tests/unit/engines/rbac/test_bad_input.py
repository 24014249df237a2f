"""RBAC controls and queries survive wrong types anywhere in roles, bindings and their neighbours."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.rbac import (
    Request,
    Subject,
    escalation_graph,
    permissions_of,
    who_can,
)
from kubeguard.model import Inventory, K8sObject, SourceLocation, Status
from tests.unit.engines.rbac.objects import RBAC, RBAC_CONTROLS

CONTROLS = [c for c in load_controls() if c.id in RBAC_CONTROLS]

HOSTILE: list[dict[str, Any]] = [
    {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "a"}, "rules": {"verbs": "*"}},
    {
        "apiVersion": RBAC,
        "kind": "ClusterRole",
        "metadata": {"name": "b", "labels": ["x"]},
        "rules": [None, 3, {"verbs": [1, None], "resources": "pods", "apiGroups": {"": 1}}],
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRole",
        "metadata": {"name": "c", "labels": {"x": 1, 2: None}},
        "aggregationRule": {
            "clusterRoleSelectors": [
                None,
                {"matchLabels": ["x"]},
                {"matchExpressions": [{"key": 1}]},
            ]
        },
        "rules": [
            {"verbs": ["*"], "resources": ["*"], "apiGroups": ["*"], "resourceNames": [None]}
        ],
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRole",
        "metadata": {"name": "d"},
        "aggregationRule": "all",
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRole",
        "metadata": {"name": "e"},
        "aggregationRule": {"clusterRoleSelectors": {}},
    },
    {
        "apiVersion": RBAC,
        "kind": "Role",
        "metadata": ["not", "a", "mapping"],
        "rules": [{"verbs": ["get"]}],
    },
    {
        "apiVersion": RBAC,
        "kind": "Role",
        "metadata": {"name": 7, "namespace": 8},
        "rules": [{"verbs": ["*"], "nonResourceURLs": "/metrics"}],
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "f"},
        "roleRef": ["c"],
        "subjects": None,
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "g", "labels": {"kubernetes.io/bootstrapping": ["rbac-defaults"]}},
        "roleRef": {"kind": "ClusterRole", "name": ["c"]},
        "subjects": [{"kind": "User", "name": None}],
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "h"},
        "roleRef": {"kind": "ClusterRole", "name": "c"},
        "subjects": [
            None,
            "system:anonymous",
            {"kind": ["User"], "name": "x"},
            {"kind": "ServiceAccount", "name": "x", "namespace": ["y"]},
            {"kind": "Group", "name": {"system:masters": True}},
            {"kind": "Group", "name": "system:serviceaccounts:"},
            {"kind": "User", "name": "system:serviceaccount:::"},
            {"kind": "ServiceAccount", "name": "default", "namespace": "shop"},
        ],
    },
    {
        "apiVersion": RBAC,
        "kind": "RoleBinding",
        "metadata": {"name": "i", "namespace": "shop"},
        "roleRef": {"kind": "Role", "name": 5},
        "subjects": {"kind": "User", "name": "alice"},
    },
    {
        "apiVersion": RBAC,
        "kind": "RoleBinding",
        "metadata": {"name": "j", "namespace": "shop"},
        "roleRef": {"kind": "ClusterRole", "name": "b"},
        "subjects": [
            {"kind": "Group", "name": "system:serviceaccounts:shop"},
            {"kind": "ServiceAccount"},
        ],
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/service-account-token",
        "metadata": {
            "name": "t",
            "namespace": "shop",
            "annotations": {"kubernetes.io/service-account.name": ["x"]},
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "shop"},
        "spec": {"serviceAccountName": ["x"]},
    },
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q", "namespace": "shop"}, "spec": []},
    {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "w"},
        "spec": {"group": ["x"], "names": {"plural": 3, "shortNames": "w"}},
    },
]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return Inventory(K8sObject(m, SourceLocation("hostile.yaml")) for m in HOSTILE)


def test_controls_never_raise(inventory: Inventory) -> None:
    findings = [
        f
        for f in evaluate(inventory, CONTROLS, PostureSettings(), debug=True)
        if f.control_id in RBAC_CONTROLS  # not the engine's own malformed-pod errors
    ]
    assert {f.status for f in findings} == {Status.PASS, Status.FAIL}
    # The valid parts still count: ClusterRole c grants "*" to anonymous and the default account.
    failed = {
        (f.control_id, f.resource.name if f.resource else "")
        for f in findings
        if f.status == Status.FAIL
    }
    assert ("KG-IAM-030", "h") in failed
    assert ("KG-IAM-031", "h") in failed


def test_queries_never_raise(inventory: Inventory) -> None:
    assert who_can(inventory, Request("get", "pods", namespace="shop")).grants
    assert who_can(inventory, Request("get", path="/metrics"), any_namespace=True) is not None
    answer = permissions_of(inventory, Subject.service_account("shop", "default"))
    assert answer.permissions
    assert escalation_graph(inventory).paths() is not None
