"""PortSet algebra and the reading of ``ports`` entries."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.netpol.ports import (
    NamedPort,
    PortSet,
    PortSpec,
    Protocol,
    parse_port_spec,
)

TCP, UDP = Protocol.TCP, Protocol.UDP


def test_union_merges_adjacent_and_overlapping_ranges() -> None:
    merged = PortSet.union_of(
        [PortSet.of(TCP, 80, 89), PortSet.of(TCP, 90), PortSet.of(TCP, 85, 95)]
    )
    assert merged.spans == ((TCP, 80, 95),)
    assert merged.describe() == "TCP/80-95"


def test_intersection_keeps_protocols_apart() -> None:
    left = PortSet.union_of([PortSet.of(TCP, 1, 100), PortSet.of(UDP, 53)])
    right = PortSet.union_of([PortSet.of(TCP, 53), PortSet.of(UDP, 1, 52)])
    assert left.intersection(right).describe() == "TCP/53"


def test_every_and_nothing() -> None:
    assert PortSet.every().is_every
    assert PortSet.every().describe() == "all"
    assert PortSet.nothing().describe() == "none"
    assert PortSet.every().intersection(PortSet.of(UDP, 53)) == PortSet.of(UDP, 53)
    assert PortSet.of(UDP, 53).union(PortSet.every()).is_every
    assert PortSet.of(TCP, 90, 80).is_empty


def test_whole_protocol_is_written_with_a_star() -> None:
    assert PortSet.of(UDP, 1, 65535).describe() == "UDP/*"


def test_named_port_resolves_only_against_a_pod_with_that_name_and_protocol() -> None:
    spec = PortSpec(TCP, "http")
    ports = [NamedPort("http", TCP, 8080), NamedPort("http", UDP, 9090)]
    assert spec.resolve(ports) == PortSet.of(TCP, 8080)
    assert spec.resolve([]).is_empty
    assert spec.resolve(None).is_empty


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"port": 80}, PortSpec(TCP, 80)),
        ({"port": 80, "protocol": "UDP"}, PortSpec(UDP, 80)),
        ({"port": 8000, "endPort": 8080}, PortSpec(TCP, 8000, 8080)),
        ({"port": "http"}, PortSpec(TCP, "http")),
        ({"protocol": "SCTP"}, PortSpec(Protocol.SCTP, None)),
        ({"port": 80, "protocol": "tcp"}, None),
        ({"endPort": 80}, None),
        ({"port": "http", "endPort": 90}, None),
        ({"port": 90, "endPort": 80}, None),
        ({"port": 0}, None),
        ({"port": True}, None),
        ("80", None),
    ],
)
def test_parse_port_spec(raw: Any, expected: PortSpec | None) -> None:
    spec, problems = parse_port_spec(raw, ("spec", "ingress", 0, "ports", 0))
    assert spec == expected
    assert bool(problems) is (expected is None)
