"""Pods no selector can tell apart share a class; anything a policy can see splits them."""

from __future__ import annotations

import copy
from typing import Any

from kubeguard.engines.posture.selectors import LabelSelector
from tests.unit.engines.netpol.topology import build, pod, policy


def _replicas(count: int) -> list[dict[str, Any]]:
    replicas = []
    for index in range(count):
        replica = pod("x", "a")
        replica["metadata"]["name"] = f"a-{index}"
        replica["status"] = {}
        replicas.append(replica)
    return replicas


def test_replicas_with_equal_labels_and_ports_form_one_class() -> None:
    network = build(_replicas(50))
    assert len(network.endpoints) == 50
    assert len(network.classes) == 1
    assert len(network.members[network.classes[0]]) == 50


def test_labels_named_ports_host_network_and_namespace_split_classes() -> None:
    base = _replicas(1)[0]
    other_label = copy.deepcopy(base)
    other_label["metadata"]["labels"] = {"pod": "b"}
    other_port = copy.deepcopy(base)
    other_port["spec"]["containers"][0]["ports"] = [{"name": "x", "containerPort": 1}]
    host = copy.deepcopy(base)
    host["spec"]["hostNetwork"] = True
    elsewhere = copy.deepcopy(base)
    elsewhere["metadata"]["namespace"] = "y"
    network = build([base, other_label, other_port, host, elsewhere])
    assert len(network.classes) == 5


def test_addresses_split_classes_only_where_an_ip_block_tells_them_apart() -> None:
    first, second = pod("x", "a"), pod("x", "a")
    second["metadata"]["name"] = "a-2"
    second["status"] = {"podIPs": [{"ip": "172.16.0.9"}]}
    assert len(build([first, second]).classes) == 1
    narrow = policy("only-first", "y", ingress=[{"from": [{"ipBlock": {"cidr": "10.1.0.0/16"}}]}])
    assert len(build([first, second, narrow]).classes) == 2
    everything = policy("all", "y", ingress=[{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}])
    assert len(build([first, second, everything]).classes) == 1


def test_owned_objects_are_not_workloads_of_their_own() -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "x"},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}},
    }
    replica_set = copy.deepcopy(deployment)
    replica_set["kind"] = "ReplicaSet"
    replica_set["metadata"] = {
        "name": "web-5d4f",
        "namespace": "x",
        "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": True}],
    }
    orphan = copy.deepcopy(replica_set)
    orphan["metadata"]["name"] = "orphan"
    orphan["metadata"]["ownerReferences"][0]["name"] = "gone"
    network = build([deployment, replica_set, orphan])
    owned = {e.name: e.owned for e in network.endpoints}
    assert owned == {"web": False, "web-5d4f": True, "orphan": False}


def test_selected_classes_are_those_of_the_namespace_the_selector_matches() -> None:
    network = build([pod(ns, name) for ns in ("x", "y") for name in ("a", "b", "c")])

    def selected(namespace: str, raw: dict[str, Any]) -> list[str]:
        chosen = network.classes_selected(namespace, LabelSelector.parse(raw))
        return [pod_class.labels["pod"] for pod_class in chosen]

    assert selected("x", {"matchLabels": {"pod": "b"}}) == ["b"]
    assert selected("x", {"matchLabels": {"pod": "b", "tier": "web"}}) == []
    assert selected("z", {"matchLabels": {"pod": "b"}}) == []
    not_b = {"matchExpressions": [{"key": "pod", "operator": "NotIn", "values": ["b"]}]}
    assert selected("y", not_b) == ["a", "c"]
    assert selected("y", {}) == ["a", "b", "c"]
