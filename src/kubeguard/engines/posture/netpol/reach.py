"""``netpol reach``: may SRC open a connection to DST on a port, and which policies say so.

Endpoints are written ``namespace/name`` (a Pod or a workload; ``namespace/Kind/name`` when the
name is ambiguous), ``ip:ADDRESS`` for an address outside the cluster, or ``node:NAME``.
Traffic between a pod and the node it runs on is always allowed, whatever the policies say.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.engines.posture.netpol.addresses import parse_address
from kubeguard.engines.posture.netpol.endpoints import Endpoint
from kubeguard.engines.posture.netpol.evaluate import (
    Addresses,
    Connection,
    Side,
    Target,
    connection,
)
from kubeguard.engines.posture.netpol.network import Network
from kubeguard.engines.posture.netpol.ports import MAX_PORT, MIN_PORT, Protocol
from kubeguard.engines.posture.netpol.security_groups import SecurityGroupPolicy, SecurityGroups
from kubeguard.engines.posture.netpol.text import listing
from kubeguard.model import ConfigError

IP_PREFIX = "ip:"
NODE_PREFIX = "node:"


class EndpointError(ConfigError):
    """An endpoint or port argument names nothing usable."""


@dataclass(frozen=True, slots=True)
class ReachEndpoint:
    """One end of the connection asked about."""

    label: str
    """``namespace/Kind/name``, ``ip:ADDRESS`` or ``node:NAME``."""
    target: Target
    endpoint: Endpoint | None = None
    """The pod or workload, when the end is one."""
    node: str | None = None
    """For ``node:NAME``, the node's name."""


@dataclass(frozen=True, slots=True)
class SecurityGroupsOf:
    """The Security Groups for Pods that apply to one end."""

    policies: tuple[SecurityGroupPolicy, ...]
    group_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reachability:
    """The answer: allowed or not, and why, per direction."""

    source: ReachEndpoint
    destination: ReachEndpoint
    protocol: Protocol
    port: int
    allowed: bool
    connection: Connection
    node_exception: bool
    """Allowed because one end is the node the other runs on, whatever the policies say."""
    notes: tuple[str, ...]
    source_groups: SecurityGroupsOf | None
    destination_groups: SecurityGroupsOf | None


def parse_port(text: str) -> tuple[int, Protocol]:
    """``8080``, ``8080/TCP``, ``53/udp`` → port and protocol (TCP by default)."""
    number, _, protocol_text = text.partition("/")
    protocol = Protocol.TCP
    if protocol_text:
        try:
            protocol = Protocol(protocol_text.upper())
        except ValueError:
            raise EndpointError(
                f"unknown protocol {protocol_text!r}: use TCP, UDP or SCTP"
            ) from None
    if not number.isdigit() or not MIN_PORT <= int(number) <= MAX_PORT:
        raise EndpointError(f"port {number!r} is not a number from {MIN_PORT} to {MAX_PORT}")
    return int(number), protocol


def resolve(network: Network, text: str) -> ReachEndpoint:
    """The endpoint ``text`` names; :class:`EndpointError` if it names none or several."""
    if text.startswith(IP_PREFIX):
        address = parse_address(text[len(IP_PREFIX) :])
        if address is None:
            raise EndpointError(f"{text!r} is not an IP address (write ip:10.0.0.1)")
        return ReachEndpoint(f"ip:{address}", Addresses(f"ip:{address}", (address,)))
    if text.startswith(NODE_PREFIX):
        name = text[len(NODE_PREFIX) :]
        if not name:
            raise EndpointError("node: needs a node name (write node:NAME)")
        addresses = network.node_addresses.get(name, ())
        return ReachEndpoint(f"node:{name}", Addresses(f"node:{name}", addresses), node=name)
    parts = text.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise EndpointError(
            f"{text!r}: write namespace/name, namespace/Kind/name, ip:ADDRESS or node:NAME"
        )
    namespace, name = parts[0], parts[-1]
    kind = parts[1].lower() if len(parts) == 3 else None
    found = [
        e
        for e in network.endpoints
        if e.namespace == namespace and e.name == name and (kind is None or e.kind.lower() == kind)
    ]
    if not found:
        known = sorted(e.ref for e in network.endpoints if e.namespace == namespace)
        hint = f"; {namespace} has {listing(known)}" if known else f"; nothing runs in {namespace}"
        raise EndpointError(f"no Pod or workload {text!r} in the inputs{hint}")
    if len(found) > 1:
        raise EndpointError(f"{text!r} is ambiguous: {listing(sorted(e.ref for e in found))}")
    endpoint = found[0]
    return ReachEndpoint(endpoint.ref, network.class_of[endpoint], endpoint=endpoint)


def reach(
    network: Network,
    security_groups: SecurityGroups,
    source: ReachEndpoint,
    destination: ReachEndpoint,
    port: int,
    protocol: Protocol,
) -> Reachability:
    """Whether ``source`` may connect to ``destination`` on ``port``/``protocol``."""
    if source.endpoint is None and destination.endpoint is None:
        raise EndpointError("at least one endpoint must be a Pod or a workload")
    found = connection(network, source.target, destination.target)
    node_exception = _on_own_node(source, destination) or _on_own_node(destination, source)
    return Reachability(
        source=source,
        destination=destination,
        protocol=protocol,
        port=port,
        allowed=node_exception or found.allows(protocol, port),
        connection=found,
        node_exception=node_exception,
        notes=tuple(_notes(network, found, source, destination, protocol)),
        source_groups=_groups(security_groups, source),
        destination_groups=_groups(security_groups, destination),
    )


def _on_own_node(node_end: ReachEndpoint, pod_end: ReachEndpoint) -> bool:
    return (
        node_end.node is not None
        and pod_end.endpoint is not None
        and pod_end.endpoint.node_name == node_end.node
    )


def _uses_ip_blocks(side: Side) -> bool:
    return any(
        peer.ip_block is not None
        for policy in side.policies
        for rule in policy.rules(side.direction)
        for peer in rule.peers
    )


def _groups(security_groups: SecurityGroups, end: ReachEndpoint) -> SecurityGroupsOf | None:
    if end.endpoint is None:
        return None
    return SecurityGroupsOf(
        security_groups.of_endpoint(end.endpoint), security_groups.group_ids(end.endpoint)
    )


def _notes(
    network: Network,
    found: Connection,
    source: ReachEndpoint,
    destination: ReachEndpoint,
    protocol: Protocol,
) -> list[str]:
    notes = []
    inferred = sorted(
        {
            end.endpoint.namespace
            for end in (source, destination)
            if end.endpoint is not None and end.endpoint.namespace in network.inferred_namespaces
        }
    )
    if inferred:
        notes.append(
            f"namespace {', '.join(inferred)} is not in the inputs: only its "
            "kubernetes.io/metadata.name label is known to namespaceSelectors"
        )
    for end, other_side in ((source, found.ingress), (destination, found.egress)):
        if end.endpoint is not None and end.endpoint.host_network:
            notes.append(
                f"{end.label} runs in the host network: NetworkPolicy behaviour is "
                "implementation-defined; evaluated as node traffic (only ipBlocks match it)"
            )
        elif (
            end.endpoint is not None and not end.endpoint.addresses and _uses_ip_blocks(other_side)
        ):
            notes.append(
                f"{end.label} carries no status.podIPs, so the ipBlocks of "
                f"{other_side.direction.value.lower()} rules cannot match it by address"
            )
        if isinstance(end.target, Addresses) and end.node is not None and not end.target.addresses:
            notes.append(
                f"{end.label}: no Node object with status.addresses in the inputs, "
                "so no ipBlock can match it"
            )
    if source.endpoint is not None and source.endpoint is destination.endpoint:
        notes.append("loopback (a pod to itself) is implementation-defined; upstream tests skip it")
    if protocol is Protocol.SCTP:
        notes.append("SCTP is enforced only by CNIs that support it")
    return notes
