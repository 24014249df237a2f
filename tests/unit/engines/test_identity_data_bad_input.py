"""Identity, data and tenancy controls survive wrong types anywhere, and report malformed aws-auth."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.model import Inventory, K8sObject, SourceLocation, Status

#: The EKS identity, secrets and tenancy controls (RBAC and network controls have their own tests).
IDS = {
    *(f"KG-IAM-{n:03}" for n in (12, 13, 26, 27, 40, 41, 42, 43, 44)),
    *(f"KG-DATA-{n:03}" for n in (2, 3, 4, 6, 7, 10, 11, 12)),
    *(f"KG-MT-{n:03}" for n in (1, 2, 4)),
}
CONTROLS = [c for c in load_controls() if c.id in IDS]

HOSTILE: list[dict[str, Any]] = [
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system", "annotations": {"a": 1}},
        "data": {
            "mapRoles": "- rolearn: 7\n  groups: {a: b}\n  username: [x]\n- 42\n- null\n",
            "mapUsers": "- userarn: arn:aws:iam::111122223333:user/a\n  groups: [[x], 1]\n",
            "mapAccounts": "{a: 1}",
            3: ["x"],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": ["mapRoles"],
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": {"mapRoles": "- rolearn: arn:aws:iam::1:role/x\n\t- broken: [", "mapAccounts": 5},
    },
    {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "x", "annotations": {"eks.amazonaws.com/role-arn": ["arn"]}},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": ["kubernetes.io/service-account-token"],
        "metadata": {
            "name": "s",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{not json"},
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "t",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '["a", 1]'},
        },
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {"csi": {"driver": "efs.csi.aws.com", "volumeHandle": 5, "volumeAttributes": []}},
    },
    {"apiVersion": "v1", "kind": "StorageClass", "metadata": {"name": "sc"}, "provisioner": ["x"]},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ["ns"]}},
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "namespace": "kube-system",
            "labels": {"app": ["x"]},
            "ownerReferences": [{"controller": "yes"}, "x"],
        },
        "spec": {
            "hostNetwork": "true",
            "serviceAccountName": ["sa"],
            "containers": [
                {
                    "name": "c",
                    "image": ["amazon/aws-cli"],
                    "env": [{"name": 1, "value": "x"}, {"name": "A", "value": ["v"]}, "B=c"],
                    "envFrom": [{"secretRef": "s"}, 3],
                    "args": [1, None, {"a": "b"}, "--password"],
                    "command": "aws s3 ls",
                },
                {"name": "d", "env": "PASSWORD=x", "args": "--token=x"},
            ],
        },
    },
]


@pytest.mark.parametrize("manifest", HOSTILE, ids=lambda m: f"{m['kind']}")
def test_controls_survive_wrong_types(manifest: dict[str, Any]) -> None:
    assert len(CONTROLS) == len(IDS)
    obj = K8sObject(manifest, SourceLocation("hostile.yaml"))
    findings = list(evaluate(Inventory([obj]), CONTROLS, PostureSettings(), debug=True))
    assert findings
    assert not [
        f
        for f in findings
        if f.status == Status.ERROR
        and f.control_id.startswith("KG-")
        and not f.control_id.startswith("KG-INPUT")
    ]


def test_malformed_aws_auth_is_reported_not_ignored() -> None:
    obj = K8sObject(HOSTILE[0], SourceLocation("hostile.yaml"))
    findings = list(evaluate(Inventory([obj]), CONTROLS, PostureSettings(), debug=True))
    malformed = [
        f.message for f in findings if f.control_id == "KG-IAM-041" and f.status == Status.FAIL
    ]
    assert any("rolearn that is not a string" in m for m in malformed)
    assert any("groups that are not a list" in m for m in malformed)
    assert any("mapRoles[1]" in m and "not a mapping" in m for m in malformed)
    assert any("groups[0] that is not a string" in m for m in malformed)
    assert any("mapAccounts holds a mapping" in m for m in malformed)
