"""Malformed objects never make a network control, the matrix or the tenant pass raise."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.netpol import network_of, tenant_reach_of, workload_matrix
from kubeguard.model import Inventory, K8sObject, Layer, SourceLocation

#: Values of every wrong type, and a few right-looking ones in wrong places.
ODD_VALUES: list[Any] = [
    None, 1, 2.5, "x", True, [], {}, [1], {"a": 1}, [{}], [None], {"matchLabels": 3},
    {"cidr": 5}, "0.0.0.0/0", [{"ipBlock": {"cidr": "::/0", "except": [1, "zz"]}}],
    "10.0.0.1", [{"ip": "10.0.0.2"}], "LoadBalancer", {"app": "x"},
    [{"name": "http", "containerPort": 80}], "http",
]  # fmt: skip
FIELDS = [
    "podSelector",
    "policyTypes",
    "ingress",
    "egress",
    "from",
    "to",
    "ports",
    "port",
    "endPort",
    "protocol",
    "namespaceSelector",
    "ipBlock",
    "cidr",
    "except",
    "matchLabels",
    "matchExpressions",
    "hostNetwork",
    "containers",
    "podIPs",
    "podIP",
    "ip",
    "selector",
    "type",
    "externalIPs",
    "securityGroups",
    "groupIds",
    "serviceAccountSelector",
    "labels",
    "annotations",
    "tls",
    "addresses",
    "address",
    "name",
    "containerPort",
    "ownerReferences",
    "nodeName",
]
KINDS = (
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("v1", "Namespace"),
    ("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy"),
    ("networking.k8s.io/v1", "Ingress"),
    ("v1", "Node"),
)


def _odd(rng: random.Random, depth: int = 0) -> Any:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(ODD_VALUES)
    if rng.random() < 0.5:
        return {rng.choice(FIELDS): _odd(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return [_odd(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def _objects(seed: int) -> list[K8sObject]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    objects = []
    for index in range(12):
        api_version, kind = rng.choice(KINDS)
        metadata = {
            "name": f"o{index}",
            "namespace": rng.choice(["a", "b", None]),
            "labels": {"app": rng.choice("xy")},
            "annotations": _odd(rng),
        }
        manifest = {
            "apiVersion": api_version,
            "kind": kind,
            "metadata": metadata if rng.random() < 0.8 else _odd(rng),
            "spec": _odd(rng),
            "status": _odd(rng),
        }
        objects.append(K8sObject(manifest, SourceLocation("odd.yaml")))
    return objects


@pytest.mark.parametrize("seed", range(150))
def test_network_layer_survives_malformed_objects(seed: int) -> None:
    inventory = Inventory(_objects(seed))
    controls = [c for c in load_controls() if c.layer is Layer.NETWORK or c.id == "KG-MT-006"]
    findings = list(evaluate(inventory, controls, PostureSettings(), debug=True))
    assert findings
    workload_matrix(network_of(inventory))
    tenant_reach_of(inventory)
