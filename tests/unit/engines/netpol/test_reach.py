"""``reach``: endpoint names, the node exception, explanations, notes and security groups."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.netpol import (
    EndpointError,
    Protocol,
    Reachability,
    network_of,
    parse_port,
    reach,
    resolve,
    security_groups_of,
)
from kubeguard.model import Inventory, K8sObject, SourceLocation
from tests.unit.engines.netpol.topology import pod, policy, topology


def _inventory(*extra: dict[str, Any], base: list[dict[str, Any]] | None = None) -> Inventory:
    objects = topology() if base is None else base
    return Inventory(K8sObject(o, SourceLocation("t.yaml")) for o in [*objects, *extra])


def _ask(inventory: Inventory, source: str, destination: str, port: str = "80") -> Reachability:
    network = network_of(inventory)
    number, protocol = parse_port(port)
    return reach(
        network,
        security_groups_of(inventory),
        resolve(network, source),
        resolve(network, destination),
        number,
        protocol,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80", (80, Protocol.TCP)), ("53/udp", (53, Protocol.UDP)), ("9/SCTP", (9, Protocol.SCTP))],
)
def test_parse_port(text: str, expected: tuple[int, Protocol]) -> None:
    assert parse_port(text) == expected


@pytest.mark.parametrize("text", ["0", "65536", "http", "80/icmp", ""])
def test_parse_port_rejects(text: str) -> None:
    with pytest.raises(EndpointError):
        parse_port(text)


def test_endpoint_names() -> None:
    network = network_of(_inventory())
    assert resolve(network, "x/a").label == "x/Pod/a"
    assert resolve(network, "x/pod/a").label == "x/Pod/a"
    assert resolve(network, "ip:10.9.9.9").label == "ip:10.9.9.9"
    assert resolve(network, "node:ip-10-0-0-1").node == "ip-10-0-0-1"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("x/nope", "x has x/Pod/a, x/Pod/b, x/Pod/c"),
        ("w/a", "nothing runs in w"),
        ("ip:300.1.1.1", "not an IP address"),
        ("node:", "needs a node name"),
        ("a", "write namespace/name"),
        ("x/Deployment/a", "no Pod or workload"),
    ],
)
def test_endpoint_errors_say_what_exists(text: str, says: str) -> None:
    with pytest.raises(EndpointError, match=says):
        resolve(network_of(_inventory()), text)


def test_ambiguous_name_asks_for_the_kind() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "a", "namespace": "x"},
        "spec": {"template": {"metadata": {"labels": {"pod": "a"}}, "spec": {"containers": []}}},
    }
    network = network_of(_inventory(deployment))
    with pytest.raises(EndpointError, match="ambiguous: x/Deployment/a, x/Pod/a"):
        resolve(network, "x/a")
    assert resolve(network, "x/Deployment/a").endpoint is not None


def test_two_addresses_are_not_a_question_about_pods() -> None:
    with pytest.raises(EndpointError, match="at least one endpoint"):
        _ask(_inventory(), "ip:10.0.0.1", "ip:10.0.0.2")


def test_answer_names_the_allowing_rule_per_direction() -> None:
    answer = _ask(
        _inventory(
            policy(
                "from-y",
                "x",
                podSelector={},
                ingress=[
                    {
                        "from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}],
                        "ports": [{"port": "serve-80-tcp"}],
                    }
                ],
            )
        ),
        "y/b",
        "x/a",
    )
    assert answer.allowed
    assert not answer.connection.egress.isolated
    assert "no NetworkPolicy isolates its egress" in answer.connection.egress.reason
    (grant,) = answer.connection.ingress.grants_for(Protocol.TCP, 80)
    assert (grant.policy.name, grant.rule.index) == ("from-y", 0)


def test_denied_answer_lists_the_isolating_policies() -> None:
    answer = _ask(_inventory(policy("deny", "x", podSelector={})), "y/b", "x/a")
    assert not answer.allowed
    assert [p.name for p in answer.connection.ingress.policies] == ["deny"]
    assert answer.connection.ingress.grants == ()


def test_traffic_between_a_pod_and_its_own_node_is_always_allowed() -> None:
    scheduled = pod("x", "a", nodeName="ip-10-0-0-1")
    base = [o for o in topology() if o["metadata"].get("name") != "a" or o["kind"] != "Pod"]
    inventory = _inventory(
        scheduled,
        policy("deny", "x", podSelector={}, policyTypes=["Ingress", "Egress"]),
        base=[*base],
    )
    assert _ask(inventory, "node:ip-10-0-0-1", "x/a").allowed
    assert _ask(inventory, "x/a", "node:ip-10-0-0-1").node_exception
    assert not _ask(inventory, "node:ip-10-0-0-2", "x/a").allowed


def test_other_nodes_are_matched_by_their_addresses() -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "ip-10-0-0-2"},
        "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.2"}]},
    }
    from_nodes = policy(
        "from-nodes",
        "x",
        podSelector={},
        ingress=[{"from": [{"ipBlock": {"cidr": "192.168.0.0/16"}}]}],
    )
    assert _ask(_inventory(node, from_nodes), "node:ip-10-0-0-2", "x/a").allowed
    unknown = _ask(_inventory(from_nodes), "node:ip-10-0-0-9", "x/a")
    assert not unknown.allowed
    assert any("no Node object" in note for note in unknown.notes)


def test_notes_explain_what_the_inputs_cannot_tell() -> None:
    objects = [o for o in topology() if o["kind"] != "Namespace"]
    for obj in objects:
        obj["status"] = {}
    pod_cidr = policy(
        "pod-cidr", "x", podSelector={}, ingress=[{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]
    )
    notes = _ask(_inventory(pod_cidr, base=objects), "y/a", "x/a", "80/sctp").notes
    assert any("namespace x, y is not in the inputs" in note for note in notes)
    assert any("y/Pod/a carries no status.podIPs" in note for note in notes)
    assert any("SCTP" in note for note in notes)
    assert any("loopback" in note for note in _ask(_inventory(), "x/a", "x/a").notes)


def test_security_groups_of_both_ends_are_reported() -> None:
    sgp = {
        "apiVersion": "vpcresources.k8s.aws/v1beta1",
        "kind": "SecurityGroupPolicy",
        "metadata": {"name": "db", "namespace": "x"},
        "spec": {
            "podSelector": {"matchLabels": {"pod": "a"}},
            "securityGroups": {"groupIds": ["sg-1"]},
        },
    }
    answer = _ask(_inventory(sgp), "x/a", "y/a")
    assert answer.source_groups is not None
    assert answer.source_groups.group_ids == ("sg-1",)
    assert answer.destination_groups is not None
    assert answer.destination_groups.group_ids == ()
