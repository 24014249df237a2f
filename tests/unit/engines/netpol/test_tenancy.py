"""Tenant reachability: the fast algorithm agrees with pairing every class with every class."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kubeguard.engines.posture.netpol import allowed_ports, network_of, tenant_reach_of
from kubeguard.engines.posture.netpol.tenancy import tenant_namespaces
from kubeguard.model import Inventory, K8sObject, SourceLocation

NAMESPACES = ("t1", "t2", "t3", "t4", "shared", "kube-system")
APPS = ("web", "api", "db")
PORT_NAMES = ("http", "grpc")


def _pod(rng: random.Random, index: int) -> dict[str, Any]:
    namespace = rng.choice(NAMESPACES)
    ports = [
        {"name": name, "containerPort": rng.choice((80, 8080, 9090)), "protocol": "TCP"}
        for name in PORT_NAMES
        if rng.random() < 0.5
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"p{index}",
            "namespace": namespace,
            "labels": {"app": rng.choice(APPS)},
        },
        "spec": {"hostNetwork": rng.random() < 0.05, "containers": [{"name": "c", "ports": ports}]},
        "status": {"podIPs": [{"ip": f"10.0.{index // 200}.{index % 200 + 1}"}]},
    }


def _selector(rng: random.Random) -> dict[str, Any]:
    return rng.choice([{}, {"matchLabels": {"app": rng.choice(APPS)}}])


def _peer(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(5)
    if kind == 0:
        return {"podSelector": _selector(rng)}
    if kind == 1:
        return {"namespaceSelector": rng.choice([{}, {"matchLabels": {"team": rng.choice("ab")}}])}
    if kind == 2:
        return {"namespaceSelector": {"matchLabels": {"team": "a"}}, "podSelector": _selector(rng)}
    if kind == 3:
        return {"ipBlock": {"cidr": rng.choice(["10.0.0.0/24", "0.0.0.0/0", "10.0.0.0/30"])}}
    return {
        "namespaceSelector": {
            "matchLabels": {"kubernetes.io/metadata.name": rng.choice(NAMESPACES)}
        }
    }


def _rule(rng: random.Random, peers_field: str) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    if rng.random() < 0.7:
        rule[peers_field] = [_peer(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.6:
        rule["ports"] = [
            rng.choice(
                [
                    {"port": 80},
                    {"port": 8080},
                    {"port": "http"},
                    {"port": "grpc"},
                    {"protocol": "UDP"},
                ]
            )
        ]
    return rule


def _policy(rng: random.Random, index: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": _selector(rng)}
    types = rng.choice([["Ingress"], ["Egress"], ["Ingress", "Egress"], None])
    if types is not None:
        spec["policyTypes"] = types
    for field, peers_field in (("ingress", "from"), ("egress", "to")):
        if rng.random() < 0.8:
            spec[field] = [_rule(rng, peers_field) for _ in range(rng.randint(0, 2))]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": f"np{index}", "namespace": rng.choice(NAMESPACES)},
        "spec": spec,
    }


def _cluster(seed: int) -> Inventory:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    namespaces = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": name,
                "labels": {"team": rng.choice("ab")}
                | ({"kubeguard.io/tenant": "false"} if name == "shared" else {}),
            },
        }
        for name in NAMESPACES
    ]
    deny = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "deny", "namespace": name},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        }
        for name in NAMESPACES
        if rng.random() < 0.6
    ]
    objects = namespaces + [_pod(rng, i) for i in range(40)] + [_policy(rng, i) for i in range(12)]
    objects += deny
    return Inventory(K8sObject(o, SourceLocation("gen.yaml")) for o in objects)


def _brute_force(inventory: Inventory) -> dict[str, set[str]]:
    network = network_of(inventory)
    tenants = tenant_namespaces(network)
    classes = [c for c in network.classes if c.namespace in tenants and not c.host_network]
    found: dict[str, set[str]] = {}
    for source in classes:
        for destination in classes:
            if (
                source.namespace != destination.namespace
                and not allowed_ports(network, source, destination).is_empty
            ):
                found.setdefault(source.namespace, set()).add(destination.namespace)
    return found


@pytest.mark.parametrize("seed", range(60))
def test_fast_tenant_reach_equals_brute_force(seed: int) -> None:
    inventory = _cluster(seed)
    fast = {k: v for k, v in tenant_reach_of(inventory).reaches.items() if v}
    assert fast == _brute_force(inventory)


def test_tenants_exclude_control_plane_opted_out_and_host_network_only_namespaces() -> None:
    inventory = _cluster(0)
    tenants = tenant_namespaces(network_of(inventory))
    assert "kube-system" not in tenants
    assert "shared" not in tenants
    assert tenants <= {"t1", "t2", "t3", "t4"}


def test_generated_clusters_exercise_both_outcomes() -> None:
    # The comparison above means something only if some clusters connect tenants and some not.
    outcomes = [_brute_force(_cluster(seed)) for seed in range(60)]
    sizes = {sum(len(v) for v in outcome.values()) for outcome in outcomes}
    assert 0 in sizes
    assert max(sizes) >= 10  # of 12 possible: 4 tenants, each reaching the 3 others
    assert len(sizes) > 6
