"""Token mounts and RBAC subjects are read as the API server reads them, and bad input is inert."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.service_accounts import bindings_of, token_mount
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Inventory, K8sObject, SourceLocation


def _obj(manifest: dict[str, Any]) -> K8sObject:
    return K8sObject(manifest, SourceLocation("t.yaml"))


def _pod(namespace: str = "shop", **spec: Any) -> WorkloadView:
    view = WorkloadView.of(
        _obj({"kind": "Pod", "metadata": {"name": "p", "namespace": namespace}, "spec": spec})
    )
    assert view is not None
    return view


def _account(name: str, automount: Any = None) -> K8sObject:
    manifest: dict[str, Any] = {
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": "shop"},
    }
    if automount is not None:
        manifest["automountServiceAccountToken"] = automount
    return _obj(manifest)


def _binding(kind: str, subjects: Any, namespace: str | None = None) -> K8sObject:
    metadata = {"name": "b"} | ({"namespace": namespace} if namespace else {})
    return _obj({"kind": kind, "metadata": metadata, "subjects": subjects})


@pytest.mark.parametrize(
    ("spec", "accounts", "mounted", "reason_part"),
    [
        ({}, [], True, "'default' is not in the scan"),
        ({"automountServiceAccountToken": False}, [_account("default", True)], False, "pod sets"),
        ({"serviceAccountName": "api"}, [_account("api", False)], False, "'api' sets it to false"),
        ({"serviceAccountName": "api"}, [_account("api")], True, "neither the pod nor"),
        # Wrong types decide nothing: the next setting in line does.
        (
            {"automountServiceAccountToken": "false"},
            [_account("default", False)],
            False,
            "'default' sets",
        ),
        ({"serviceAccountName": "api"}, [_account("api", "no")], True, "neither the pod nor"),
    ],
)
def test_token_mount(
    spec: dict[str, Any], accounts: list[K8sObject], mounted: bool, reason_part: str
) -> None:
    mount = token_mount(_pod(**spec), Inventory(accounts))
    assert mount.mounted is mounted
    assert reason_part in mount.reason


@pytest.mark.parametrize(
    ("binding", "bound"),
    [
        (_binding("RoleBinding", [{"kind": "ServiceAccount", "name": "api"}], "shop"), True),
        (_binding("RoleBinding", [{"kind": "ServiceAccount", "name": "api"}], "other"), False),
        (_binding("ClusterRoleBinding", [{"kind": "ServiceAccount", "name": "api"}]), False),
        (
            _binding(
                "ClusterRoleBinding",
                [{"kind": "ServiceAccount", "name": "api", "namespace": "shop"}],
            ),
            True,
        ),
        (
            _binding("ClusterRoleBinding", [{"kind": "Group", "name": "system:serviceaccounts"}]),
            True,
        ),
        (_binding("RoleBinding", [{"kind": "Group", "name": "system:serviceaccounts:x"}]), False),
        (
            _binding("RoleBinding", [{"kind": "User", "name": "system:serviceaccount:shop:api"}]),
            True,
        ),
        (_binding("Role", [{"kind": "ServiceAccount", "name": "api"}], "shop"), False),
        (_binding("RoleBinding", "api", "shop"), False),
        (_binding("RoleBinding", [None, ["api"], {"kind": 1, "name": "api"}], "shop"), False),
    ],
)
def test_bindings_of(binding: K8sObject, bound: bool) -> None:
    found = list(bindings_of(Inventory([binding]), "shop", "api"))
    assert found == ([binding] if bound else [])
