"""NetworkPolicy semantics, one rule per test, on the upstream e2e topology (namespaces x, y, z; pods a, b, c).

Expected reachability is written as truth tables the way the e2e suite builds them: start from
every pair and remove (or keep only) what the policy should deny (or allow).
"""

from __future__ import annotations

from kubeguard.engines.posture.netpol import Direction
from tests.unit.engines.netpol.topology import (
    ALL,
    address,
    allowed,
    build,
    every_pair,
    into,
    out_of,
    pod,
    policy,
    reachable,
    topology,
    with_policies,
)

DENY_ALL_INGRESS = {"podSelector": {}, "policyTypes": ["Ingress"]}
DENY_ALL_EGRESS = {"podSelector": {}, "policyTypes": ["Egress"]}


def test_pods_no_policy_selects_accept_and_open_everything() -> None:
    assert reachable(with_policies()) == every_pair()
    assert allowed(with_policies(), "x/a", "ip:8.8.8.8", 53, "UDP")
    assert allowed(with_policies(), "ip:203.0.113.7", "x/a", 443)


def test_isolation_is_per_direction() -> None:
    network = with_policies(policy("deny-in", "x", **DENY_ALL_INGRESS))
    assert reachable(network) == every_pair() - into({"x/a", "x/b", "x/c"})
    # Egress of x is not isolated by an ingress-only policy.
    assert allowed(network, "x/a", "y/a")


def test_egress_of_source_and_ingress_of_destination_must_both_allow() -> None:
    # e2e: "should support denying of egress traffic on the client side (even if the server
    # explicitly allows this traffic)".
    network = with_policies(
        policy("deny-out", "x", podSelector={"matchLabels": {"pod": "a"}}, policyTypes=["Egress"]),
        policy("allow-in", "y", podSelector={}, ingress=[{}]),
    )
    assert not allowed(network, "x/a", "y/b")
    assert allowed(network, "x/b", "y/b")


def test_policies_are_additive() -> None:
    network = with_policies(
        policy("deny", "x", **DENY_ALL_INGRESS),
        policy(
            "from-y",
            "x",
            podSelector={},
            ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}],
        ),
        policy(
            "from-z-to-a",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns": "z"}}}]}],
        ),
    )
    expected = every_pair() - into({"x/a", "x/b", "x/c"})
    expected |= {(s, d) for s, d in into({"x/a", "x/b", "x/c"}) if s.startswith("y/")}
    expected |= {(s, "x/a") for s in ALL if s.startswith("z/")}
    assert reachable(network) == expected


def test_policy_types_default_to_ingress_when_there_are_no_egress_rules() -> None:
    network = with_policies(policy("bare", "x", podSelector={}))
    (parsed,) = network.policies
    assert parsed.types == {Direction.INGRESS}
    assert parsed.types_defaulted
    assert reachable(network) == every_pair() - into({"x/a", "x/b", "x/c"})


def test_policy_types_default_adds_egress_when_egress_rules_exist_and_isolates_ingress_too() -> (
    None
):
    # Written only for egress, without policyTypes: the defaulting also denies all ingress.
    network = with_policies(
        policy(
            "egress-only-rules",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            egress=[{"to": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}],
        )
    )
    (parsed,) = network.policies
    assert parsed.types == {Direction.INGRESS, Direction.EGRESS}
    assert not allowed(network, "x/b", "x/a")
    assert allowed(network, "x/a", "y/c")
    assert not allowed(network, "x/a", "z/c")


def test_empty_egress_list_without_policy_types_does_not_isolate_egress() -> None:
    network = with_policies(policy("looks-like-deny", "x", podSelector={}, egress=[]))
    (parsed,) = network.policies
    assert parsed.types == {Direction.INGRESS}
    assert allowed(network, "x/a", "y/a")
    assert not allowed(network, "y/a", "x/a")


def test_empty_policy_types_list_is_defaulted() -> None:
    network = with_policies(policy("empty-types", "x", podSelector={}, policyTypes=[]))
    assert network.policies[0].types_defaulted
    assert not allowed(network, "y/a", "x/a")


def test_rules_of_a_direction_missing_from_policy_types_are_ignored() -> None:
    network = with_policies(
        policy("ingress-typed", "x", podSelector={}, policyTypes=["Ingress"], egress=[{}]),
    )
    assert network.policies[0].rules(Direction.EGRESS) == ()
    assert not allowed(network, "y/a", "x/a")
    assert allowed(network, "x/a", "y/a")


def test_empty_pod_selector_selects_every_pod_of_its_own_namespace_only() -> None:
    network = with_policies(policy("deny", "y", **DENY_ALL_INGRESS))
    assert reachable(network) == every_pair() - into({"y/a", "y/b", "y/c"})


def test_absent_pod_selector_selects_every_pod_like_an_empty_one() -> None:
    network = with_policies(policy("no-selector", "y", policyTypes=["Ingress"]))
    assert reachable(network) == every_pair() - into({"y/a", "y/b", "y/c"})


def test_ingress_rule_without_from_allows_every_source_including_addresses() -> None:
    network = with_policies(
        policy("port-only", "x", podSelector={}, ingress=[{"ports": [{"port": 81}]}])
    )
    assert allowed(network, "ip:198.51.100.1", "x/a", 81)
    assert allowed(network, "z/c", "x/a", 81)
    assert not allowed(network, "z/c", "x/a", 80)


def test_ingress_list_with_one_empty_rule_allows_all_but_an_empty_list_allows_none() -> None:
    allow_all = with_policies(policy("allow-all", "x", podSelector={}, ingress=[{}]))
    deny_all = with_policies(policy("deny-all", "x", podSelector={}, ingress=[]))
    assert reachable(allow_all) == every_pair()
    assert reachable(deny_all) == every_pair() - into({"x/a", "x/b", "x/c"})


def test_empty_from_list_matches_every_source() -> None:
    network = with_policies(policy("from-empty", "x", podSelector={}, ingress=[{"from": []}]))
    assert reachable(network) == every_pair()


def test_pod_selector_peer_matches_only_pods_of_the_policy_namespace() -> None:
    network = with_policies(
        policy(
            "from-b",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            ingress=[{"from": [{"podSelector": {"matchLabels": {"pod": "b"}}}]}],
        )
    )
    assert {s for s, d in reachable(network) if d == "x/a"} == {"x/b"}


def test_namespace_selector_peer_matches_every_pod_of_matching_namespaces() -> None:
    network = with_policies(
        policy(
            "from-y",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}],
        )
    )
    assert {s for s, d in reachable(network) if d == "x/a"} == {"y/a", "y/b", "y/c"}


def test_empty_namespace_selector_matches_every_pod_but_no_outside_address() -> None:
    network = with_policies(
        policy("all-pods", "x", podSelector={}, ingress=[{"from": [{"namespaceSelector": {}}]}])
    )
    assert reachable(network) == every_pair()
    assert not allowed(network, "ip:198.51.100.1", "x/a")


def test_namespace_and_pod_selector_in_one_peer_are_anded() -> None:
    network = with_policies(
        policy(
            "and",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            ingress=[
                {
                    "from": [
                        {
                            "namespaceSelector": {"matchLabels": {"ns": "y"}},
                            "podSelector": {"matchLabels": {"pod": "b"}},
                        }
                    ]
                }
            ],
        )
    )
    assert {s for s, d in reachable(network) if d == "x/a"} == {"y/b"}


def test_namespace_and_pod_selector_in_separate_peers_are_ored() -> None:
    network = with_policies(
        policy(
            "or",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            ingress=[
                {
                    "from": [
                        {"namespaceSelector": {"matchLabels": {"ns": "y"}}},
                        {"podSelector": {"matchLabels": {"pod": "b"}}},
                    ]
                }
            ],
        )
    )
    # The separate podSelector peer means pod=b of the policy's own namespace only.
    assert {s for s, d in reachable(network) if d == "x/a"} == {"y/a", "y/b", "y/c", "x/b"}


def test_namespace_selector_on_the_automatic_name_label_for_namespaces_not_in_inputs() -> None:
    objects = [o for o in topology() if o["kind"] != "Namespace"]
    network = build(
        [
            *objects,
            policy(
                "from-y-by-name",
                "x",
                podSelector={},
                ingress=[
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "y"}
                                }
                            },
                            {"namespaceSelector": {"matchLabels": {"ns": "z"}}},
                        ]
                    }
                ],
            ),
        ]
    )
    assert network.inferred_namespaces == {"x", "y", "z"}
    # The name label is known; the ns=z label lived on the Namespace object, which is absent.
    assert allowed(network, "y/a", "x/a")
    assert not allowed(network, "z/a", "x/a")


def test_namespace_selector_uses_labels_of_namespace_objects() -> None:
    network = with_policies(
        policy(
            "not-in",
            "x",
            podSelector={},
            ingress=[
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchExpressions": [
                                    {"key": "ns", "operator": "NotIn", "values": ["y"]}
                                ]
                            }
                        }
                    ]
                }
            ],
        )
    )
    sources = {s for s, d in reachable(network) if d == "x/a"}
    assert sources == {"x/b", "x/c", "z/a", "z/b", "z/c"}


def test_ip_block_matches_addresses_outside_the_cluster() -> None:
    network = with_policies(
        policy(
            "partners",
            "x",
            podSelector={},
            ingress=[{"from": [{"ipBlock": {"cidr": "203.0.113.0/24"}}]}],
        )
    )
    assert allowed(network, "ip:203.0.113.99", "x/a")
    assert not allowed(network, "ip:198.51.100.1", "x/a")


def test_ip_block_except_removes_addresses_from_the_block() -> None:
    network = with_policies(
        policy(
            "internet-but-imds",
            "x",
            podSelector={},
            policyTypes=["Egress"],
            egress=[{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.0.0/16"]}}]}],
        )
    )
    assert allowed(network, "x/a", "ip:8.8.8.8")
    assert not allowed(network, "x/a", "ip:169.254.169.254")


def test_ip_block_except_narrows_only_its_own_block() -> None:
    # e2e: "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed".
    network = with_policies(
        policy(
            "two-blocks",
            "x",
            podSelector={},
            policyTypes=["Egress"],
            egress=[
                {"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.2.0.0/16"]}}]},
                {"to": [{"ipBlock": {"cidr": "10.2.0.2/32"}}]},
            ],
        )
    )
    assert allowed(network, "x/a", "y/b")  # 10.2.0.2: excepted by one rule, allowed by the other
    assert not allowed(network, "x/a", "y/a")  # 10.2.0.1: excepted, nothing else allows it
    assert allowed(network, "x/a", "z/a")  # 10.3.0.1


def test_ip_block_matches_pods_by_their_status_addresses() -> None:
    # e2e: "should allow egress access to server in CIDR block" uses a pod IP/32.
    network = with_policies(
        policy(
            "to-one-pod",
            "x",
            podSelector={"matchLabels": {"pod": "a"}},
            policyTypes=["Egress"],
            egress=[{"to": [{"ipBlock": {"cidr": f"{address('y/b')}/32"}}]}],
        )
    )
    assert {d for s, d in reachable(network) if s == "x/a"} == {"y/b"}


def test_ip_block_does_not_match_pods_without_addresses() -> None:
    objects = topology()
    for obj in objects:
        obj.pop("status", None)
    network = build(
        [
            *objects,
            policy(
                "pod-cidr",
                "x",
                podSelector={},
                ingress=[{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}],
            ),
        ]
    )
    assert not allowed(network, "y/a", "x/a")


def test_absent_ports_allow_every_port_of_every_protocol() -> None:
    network = with_policies(
        policy(
            "from-y",
            "x",
            podSelector={},
            ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}],
        )
    )
    for protocol in ("TCP", "UDP", "SCTP"):
        assert allowed(network, "y/a", "x/a", 81, protocol)
        assert allowed(network, "y/a", "x/a", 65535, protocol)


def test_protocol_defaults_to_tcp() -> None:
    network = with_policies(policy("p80", "x", podSelector={}, ingress=[{"ports": [{"port": 80}]}]))
    assert allowed(network, "y/a", "x/a", 80, "TCP")
    assert not allowed(network, "y/a", "x/a", 80, "UDP")


def test_rules_for_another_protocol_still_isolate_tcp() -> None:
    # e2e: "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP'".
    network = with_policies(
        policy(
            "sctp-only",
            "x",
            podSelector={},
            ingress=[{"ports": [{"port": 80, "protocol": "SCTP"}]}],
        )
    )
    assert allowed(network, "y/a", "x/a", 80, "SCTP")
    assert not allowed(network, "y/a", "x/a", 80, "TCP")
    assert not allowed(network, "y/a", "x/a", 80, "UDP")


def test_port_entry_without_a_number_allows_every_port_of_its_protocol() -> None:
    network = with_policies(
        policy("any-udp", "x", podSelector={}, ingress=[{"ports": [{"protocol": "UDP"}]}])
    )
    assert allowed(network, "y/a", "x/a", 5353, "UDP")
    assert not allowed(network, "y/a", "x/a", 5353, "TCP")


def test_end_port_makes_an_inclusive_range() -> None:
    network = with_policies(
        policy("range", "x", podSelector={}, ingress=[{"ports": [{"port": 80, "endPort": 81}]}])
    )
    assert allowed(network, "y/a", "x/a", 80)
    assert allowed(network, "y/a", "x/a", 81)
    assert not allowed(network, "y/a", "x/a", 82)
    assert not allowed(network, "y/a", "x/a", 79)


def test_named_ingress_port_resolves_at_each_selected_pod() -> None:
    objects = topology()
    objects[-1] = pod("z", "c")
    objects[-1]["spec"]["containers"][0]["ports"] = [{"name": "web", "containerPort": 9090}]
    objects[-2]["spec"]["containers"][0]["ports"] = [{"name": "web", "containerPort": 8080}]
    network = build(
        [*objects, policy("web", "z", podSelector={}, ingress=[{"ports": [{"port": "web"}]}])]
    )
    assert allowed(network, "x/a", "z/b", 8080)
    assert not allowed(network, "x/a", "z/b", 9090)
    assert allowed(network, "x/a", "z/c", 9090)
    assert not allowed(network, "x/a", "z/c", 8080)


def test_named_egress_port_resolves_at_each_destination_pod() -> None:
    objects = topology()
    objects[-2]["spec"]["containers"][0]["ports"] = [{"name": "web", "containerPort": 8080}]
    network = build(
        [
            *objects,
            policy(
                "to-web",
                "x",
                podSelector={},
                policyTypes=["Egress"],
                egress=[{"ports": [{"port": "web"}]}],
            ),
        ]
    )
    assert allowed(network, "x/a", "z/b", 8080)
    assert not allowed(network, "x/a", "z/c", 8080)  # z/c has no port named web
    assert not allowed(network, "x/a", "ip:8.8.8.8", 8080)  # a name never matches an address


def test_named_port_must_match_the_container_port_protocol() -> None:
    network = with_policies(
        policy(
            "named-udp",
            "x",
            podSelector={},
            ingress=[{"ports": [{"port": "serve-80-tcp", "protocol": "UDP"}]}],
        )
    )
    assert not allowed(network, "y/a", "x/a", 80, "UDP")
    assert not allowed(network, "y/a", "x/a", 80, "TCP")


def test_host_network_pods_are_not_isolated() -> None:
    objects = topology()
    objects.append(pod("x", "node-agent", hostNetwork=True))
    objects[-1]["metadata"]["labels"] = {"pod": "a"}
    network = build(
        [*objects, policy("deny", "x", podSelector={}, policyTypes=["Ingress", "Egress"])]
    )
    assert allowed(network, "y/a", "x/node-agent")
    assert allowed(network, "x/node-agent", "ip:8.8.8.8")
    assert not allowed(network, "y/a", "x/a")


def test_host_network_pods_are_matched_by_ip_block_only() -> None:
    objects = topology()
    agent = pod("y", "a", hostNetwork=True)
    agent["metadata"]["name"] = "agent"
    agent["status"] = {"podIPs": [{"ip": "192.168.0.10"}]}
    objects.append(agent)
    by_selector = build(
        [
            *objects,
            policy(
                "from-y",
                "x",
                podSelector={},
                ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}],
            ),
        ]
    )
    by_node_address = build(
        [
            *objects,
            policy(
                "from-nodes",
                "x",
                podSelector={},
                ingress=[{"from": [{"ipBlock": {"cidr": "192.168.0.0/24"}}]}],
            ),
        ]
    )
    assert allowed(by_selector, "y/a", "x/a")
    assert not allowed(by_selector, "y/agent", "x/a")
    assert allowed(by_node_address, "y/agent", "x/a")


def test_malformed_parts_allow_nothing() -> None:
    network = with_policies(
        policy("deny", "x", podSelector={}, policyTypes=["Ingress"]),
        policy(
            "broken",
            "x",
            podSelector={},
            ingress=[
                {"from": [{"podSelector": {"matchExpressions": [{"key": "pod"}]}}]},
                {"ports": [{"port": 80, "protocol": "tcp"}]},
                {"from": [{}]},
            ],
        ),
    )
    assert not allowed(network, "x/b", "x/a")
    assert not allowed(network, "y/a", "x/a", 80)
    broken = next(p for p in network.policies if p.name == "broken")
    assert len(broken.problems) == 3


def test_malformed_pod_selector_selects_nothing() -> None:
    network = with_policies(
        policy("broken", "x", podSelector={"matchLabels": "pod=a"}, policyTypes=["Ingress"])
    )
    assert reachable(network) == every_pair()


def test_default_deny_egress_blocks_every_destination_of_the_namespace_pods() -> None:
    network = with_policies(policy("deny-out", "z", **DENY_ALL_EGRESS))
    assert reachable(network) == every_pair() - out_of({"z/a", "z/b", "z/c"})
    assert not allowed(network, "z/a", "ip:8.8.8.8", 53, "UDP")
