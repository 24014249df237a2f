"""Which tenant namespaces can open connections into which other tenant namespaces.

A *tenant namespace* is a namespace that runs at least one pod outside the host network, whose
name does not start with ``kube-`` (``kube-system``, ``kube-public``, ``kube-node-lease`` are the
control plane's), and that is not labelled ``kubeguard.io/tenant: "false"`` (the opt-out for
shared services such as an ingress controller or monitoring, which legitimately talk to
everyone).

Pairs are found without pairing every pod with every pod, and the answer is exact:

1. *Wildcard* rules (no ``from``/``to``, a peer matching every tenant pod, or no isolation at
   all) do not depend on who the peer is, so per namespace the union of their ports decides
   every wildcard-to-wildcard pair at once: some pod of A can reach some pod of B through them
   exactly when A's egress union and B's ingress union share a port (named egress ports are
   resolved per destination).
2. Every other rule lists its peers; those pairs are checked one by one with the full evaluator,
   skipping namespace pairs already known to be connected.

Any connected pair passes through a rule of one of these kinds on each side, so nothing is
missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from kubeguard.engines.posture.netpol.endpoints import PodClass
from kubeguard.engines.posture.netpol.evaluate import allowed_ports
from kubeguard.engines.posture.netpol.network import Network, network_of
from kubeguard.engines.posture.netpol.policy import Direction, Peer, Policy, Rule
from kubeguard.engines.posture.netpol.ports import PortSet, PortSpec
from kubeguard.model import Inventory

SYSTEM_PREFIX = "kube-"
TENANT_LABEL = "kubeguard.io/tenant"


def tenant_namespaces(network: Network) -> frozenset[str]:
    """The namespaces that count as tenants (see the module documentation)."""
    return frozenset(
        name
        for name, classes in network.classes_in.items()
        if not name.startswith(SYSTEM_PREFIX)
        and network.labels_of_namespace(name).get(TENANT_LABEL) != "false"
        and any(not c.host_network for c in classes)
    )


class TenantReach:
    """For every tenant namespace, the other tenant namespaces its pods can open connections to."""

    def __init__(self, inventory: Inventory) -> None:
        network = network_of(inventory)
        self._network = network
        self.tenants = tenant_namespaces(network)
        self._classes = [
            c for c in network.classes if c.namespace in self.tenants and not c.host_network
        ]
        self._all = frozenset(self._classes)
        self._wildcard_cache: dict[tuple[Peer, str | None], bool] = {}
        self.reaches: dict[str, set[str]] = defaultdict(set)
        """Tenant namespace → the other tenant namespaces its pods can open connections to."""
        self._wildcard_in = {
            c: self._wildcard_ports(c, Direction.INGRESS)[0] for c in self._classes
        }
        self._wildcards()
        self._listed_peers()
        self.reached_from: dict[str, set[str]] = defaultdict(set)
        """Tenant namespace → the other tenant namespaces whose pods can connect into it."""
        for source, targets in self.reaches.items():
            for target in targets:
                self.reached_from[target].add(source)

    # ------------------------------------------------------------------ wildcard rules

    def _wildcards(self) -> None:
        egress_static: dict[str, PortSet] = defaultdict(PortSet.nothing)
        egress_named: dict[str, set[PortSpec]] = defaultdict(set)
        ingress: dict[str, PortSet] = defaultdict(PortSet.nothing)
        for pod_class in self._classes:
            namespace = pod_class.namespace
            out = self._wildcard_ports(pod_class, Direction.EGRESS)
            egress_static[namespace] = egress_static[namespace].union(out[0])
            egress_named[namespace].update(out[1])
            ingress[namespace] = ingress[namespace].union(self._wildcard_in[pod_class])
        targets_by_ports: dict[PortSet, set[str]] = defaultdict(set)
        for namespace, ports in ingress.items():
            if not ports.is_empty:
                targets_by_ports[ports].add(namespace)
        for source, out_ports in egress_static.items():
            if out_ports.is_empty:
                continue
            for in_ports, targets in targets_by_ports.items():
                if not out_ports.intersection(in_ports).is_empty:
                    self.reaches[source].update(targets - {source})
        for source, specs in egress_named.items():
            if not specs:
                continue
            for destination in self._classes:
                if destination.namespace == source:
                    continue
                named = PortSet.union_of(spec.resolve(destination.named_ports) for spec in specs)
                if not named.intersection(self._wildcard_in[destination]).is_empty:
                    self.reaches[source].add(destination.namespace)

    def _wildcard_ports(
        self, pod_class: PodClass, direction: Direction
    ) -> tuple[PortSet, set[PortSpec]]:
        """Ports allowed to or from any tenant pod: fixed ones, and named egress ports."""
        policies = self._network.isolating(pod_class, direction)
        if not policies:
            return PortSet.every(), set()
        fixed: list[PortSet] = []
        named: set[PortSpec] = set()
        for policy, rule in _rules(policies, direction):
            if not (rule.any_peer or any(self._is_wildcard(p, policy) for p in rule.peers)):
                continue
            if direction is Direction.INGRESS or not rule.has_named_ports:
                fixed.append(self._network.rule_ports(rule, pod_class.named_ports))
            else:
                fixed.append(rule.ports_at(None))
                named.update(spec for spec in rule.ports if spec.is_named)
        return PortSet.union_of(fixed), named

    def _is_wildcard(self, peer: Peer, policy: Policy) -> bool:
        scope = policy.namespace if peer.namespace_selector is None else None
        found = self._wildcard_cache.get((peer, scope))
        if found is None:
            matched = self._network.peer_classes(peer, policy.namespace)
            found = self._all.issubset(matched)
            self._wildcard_cache[(peer, scope)] = found
        return found

    # ------------------------------------------------------------------ listed peers

    def _listed_peers(self) -> None:
        for pod_class in self._classes:
            for direction in Direction:
                for policy, rule in _rules(
                    self._network.isolating(pod_class, direction), direction
                ):
                    if rule.any_peer:
                        continue
                    for peer in rule.peers:
                        if self._is_wildcard(peer, policy):
                            continue
                        for other in self._network.peer_classes(peer, policy.namespace):
                            self._check(pod_class, other, direction)

    def _check(self, pod_class: PodClass, other: PodClass, direction: Direction) -> None:
        if other.namespace == pod_class.namespace or other not in self._all:
            return
        source, destination = (
            (other, pod_class) if direction is Direction.INGRESS else (pod_class, other)
        )
        if destination.namespace in self.reaches[source.namespace]:
            return
        if not allowed_ports(self._network, source, destination).is_empty:
            self.reaches[source.namespace].add(destination.namespace)


def _rules(policies: Iterable[Policy], direction: Direction) -> Iterator[tuple[Policy, Rule]]:
    for policy in policies:
        for rule in policy.rules(direction):
            yield policy, rule


def tenant_reach_of(inventory: Inventory) -> TenantReach:
    """The scan's tenant-to-tenant reachability, built on first use."""
    return inventory.derived(TenantReach, TenantReach)
