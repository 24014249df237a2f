"""Whether traffic may flow, per direction, with the policies and rules that allow it.

A connection from a source to a destination needs both sides:

- **egress of the source**: if no policy selecting the source pod isolates egress, everything
  leaves; otherwise only what some egress rule of those policies allows;
- **ingress of the destination**: likewise with ingress.

Each side is the union of its rules (policies only add). A rule allows a peer when it has no
``from``/``to`` or one of its peers matches, and then the ports it lists, named ports resolved
at the destination pod. Something that is not a pod (an address outside the cluster, a node)
has no side of its own: NetworkPolicy does not apply to it.

Host-network pods: NetworkPolicy leaves them undefined; the common implementation, followed
here, is that policies neither isolate them nor match them with selectors. Their traffic is the
node's, which only an ipBlock covering the node's address can match.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.engines.posture.netpol.addresses import IPAddress
from kubeguard.engines.posture.netpol.endpoints import PodClass
from kubeguard.engines.posture.netpol.network import Network
from kubeguard.engines.posture.netpol.policy import Direction, Policy, Rule
from kubeguard.engines.posture.netpol.ports import PortSet, Protocol


@dataclass(frozen=True, slots=True)
class Addresses:
    """A peer outside the pod network: an address, a node, or a host-network pod's node."""

    label: str
    addresses: tuple[IPAddress, ...]
    """The addresses ipBlocks are matched against; empty when none is known."""


#: Either side of a connection.
Target = PodClass | Addresses

HOST_NETWORK_REASON = "runs in the host network: NetworkPolicy does not isolate it"
NOT_A_POD_REASON = "not a pod: NetworkPolicy does not apply to it"


@dataclass(frozen=True, slots=True)
class Grant:
    """A rule that allows the other side, and the ports it allows."""

    policy: Policy
    rule: Rule
    ports: PortSet


@dataclass(frozen=True, slots=True)
class Side:
    """One direction of a connection: the source's egress or the destination's ingress."""

    direction: Direction
    isolated: bool
    """Whether policies restrict this direction; if not, it allows everything."""
    reason: str = ""
    """Why the side is not isolated (empty when it is)."""
    policies: tuple[Policy, ...] = ()
    """The policies that isolate it."""
    grants: tuple[Grant, ...] = ()
    """The rules that allow the other side (on some port)."""

    @property
    def ports(self) -> PortSet:
        """What this side allows: everything if not isolated, else the union of its grants."""
        if not self.isolated:
            return PortSet.every()
        return PortSet.union_of(grant.ports for grant in self.grants)

    def grants_for(self, protocol: Protocol, port: int) -> tuple[Grant, ...]:
        """The grants that allow ``port`` of ``protocol``."""
        return tuple(grant for grant in self.grants if grant.ports.contains(protocol, port))

    def allows(self, protocol: Protocol, port: int) -> bool:
        """Whether ``port`` of ``protocol`` gets through this side."""
        return not self.isolated or bool(self.grants_for(protocol, port))


def side(network: Network, direction: Direction, subject: Target, other: Target) -> Side:
    """The ``direction`` side of ``subject`` (the source for egress, the destination for
    ingress) towards ``other``."""
    if isinstance(subject, Addresses):
        return Side(direction, isolated=False, reason=NOT_A_POD_REASON)
    if subject.host_network:
        return Side(direction, isolated=False, reason=HOST_NETWORK_REASON)
    policies = network.isolating(subject, direction)
    if not policies:
        return Side(
            direction,
            isolated=False,
            reason=f"no NetworkPolicy isolates its {direction.value.lower()}",
        )
    destination = subject if direction is Direction.INGRESS else other
    named = (
        destination.named_ports
        if isinstance(destination, PodClass) and not destination.host_network
        else None
    )
    grants = []
    for policy in policies:
        for rule in policy.rules(direction):
            if rule.any_peer or _peer_matches(network, policy, rule, other):
                ports = network.rule_ports(rule, named)
                if not ports.is_empty:
                    grants.append(Grant(policy, rule, ports))
    return Side(direction, isolated=True, policies=policies, grants=tuple(grants))


def _peer_matches(network: Network, policy: Policy, rule: Rule, other: Target) -> bool:
    if isinstance(other, Addresses):
        return any(network.peer_matches_addresses(peer, other.addresses) for peer in rule.peers)
    return any(network.peer_matches(peer, policy.namespace, other) for peer in rule.peers)


@dataclass(frozen=True, slots=True)
class Connection:
    """Both sides of a connection from a source to a destination."""

    egress: Side
    ingress: Side

    @property
    def ports(self) -> PortSet:
        """The ports both sides allow."""
        return self.egress.ports.intersection(self.ingress.ports)

    def allows(self, protocol: Protocol, port: int) -> bool:
        """Whether both sides let ``port`` of ``protocol`` through."""
        return self.egress.allows(protocol, port) and self.ingress.allows(protocol, port)


def connection(network: Network, source: Target, destination: Target) -> Connection:
    """The egress side of ``source`` and the ingress side of ``destination``."""
    return Connection(
        egress=side(network, Direction.EGRESS, source, destination),
        ingress=side(network, Direction.INGRESS, destination, source),
    )


def allowed_ports(network: Network, source: Target, destination: Target) -> PortSet:
    """The ports on which ``source`` may open connections to ``destination``."""
    return connection(network, source, destination).ports
