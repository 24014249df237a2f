"""Shapes of policies and rules that controls look for: default deny, wide-open peers, IMDS."""

from __future__ import annotations

from collections.abc import Iterator

from kubeguard.engines.posture.netpol.addresses import METADATA_ADDRESSES, METADATA_PORT
from kubeguard.engines.posture.netpol.policy import Direction, Policy, Rule
from kubeguard.engines.posture.netpol.ports import Protocol
from kubeguard.model import FieldPath


def wide_peers(rule: Rule) -> Iterator[tuple[FieldPath, str]]:
    """Where ``rule`` is open to everyone: no peers, 0.0.0.0/0 or ::/0, or every namespace.

    Yields the path of the field that makes it so and a phrase naming what it lets in or out.
    A rule whose ports are all malformed allows nothing and is not wide.
    """
    everyone = "every source" if rule.direction is Direction.INGRESS else "every destination"
    if not rule.any_port and not rule.ports:
        return
    if rule.any_peer:
        yield rule.path, f"{everyone} (no {rule.direction.peers_field})"
        return
    for index, peer in enumerate(rule.peers):
        path = rule.path + (rule.direction.peers_field, index)
        if peer.ip_block is not None and peer.ip_block.is_everything:
            yield path + ("ipBlock", "cidr"), f"every address ({peer.ip_block.describe()})"
        elif peer.selects_all_pods:
            yield path + ("namespaceSelector",), "every pod in every namespace"
        elif peer.namespace_selector is not None and peer.namespace_selector.selects_all:
            yield path + ("namespaceSelector",), peer.describe()


def opens_to_everyone(rule: Rule) -> bool:
    """Whether ``rule`` lets every pod (or every address) through on every port."""
    if not rule.any_port:
        return False
    return rule.any_peer or any(
        peer.selects_all_pods
        or (peer.valid and peer.ip_block is not None and peer.ip_block.is_everything)
        for peer in rule.peers
    )


def denies_by_default(policy: Policy, direction: Direction) -> bool:
    """Whether ``policy`` isolates every pod of its namespace in ``direction`` without opening
    that direction to everyone again (rules for DNS or specific peers are fine)."""
    return (
        policy.pod_selector.selects_all
        and policy.isolates(direction)
        and not any(opens_to_everyone(rule) for rule in policy.rules(direction))
    )


def metadata_access(rule: Rule) -> str | None:
    """How an egress ``rule`` lets pods reach the instance metadata service, or ``None``."""
    if rule.direction is not Direction.EGRESS:
        return None
    if not rule.ports_at(None).contains(Protocol.TCP, METADATA_PORT):
        return None
    if rule.any_peer:
        return f"no `to`, so every destination including {METADATA_ADDRESSES[0]}"
    for peer in rule.peers:
        block = peer.ip_block
        if not peer.valid or block is None:
            continue
        for address in METADATA_ADDRESSES:
            if block.contains(address):
                return f"ipBlock {block.describe()} contains {address}"
    return None
