"""The network index of one scan: namespaces, pod classes, policies and who selects whom.

Built once per scan through :meth:`Inventory.derived` (:func:`network_of`) and then only read;
the caches it keeps (which pods a peer matches, which ports a rule means at a destination) are
filled on first use and never change an answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from kubeguard.engines.posture.netpol.addresses import IPAddress, IpBlock, parse_address
from kubeguard.engines.posture.netpol.endpoints import (
    ClassKey,
    Endpoint,
    PodClass,
    class_key,
    endpoint_of,
)
from kubeguard.engines.posture.netpol.policy import Direction, Peer, Policy, Rule, parse_policy
from kubeguard.engines.posture.netpol.ports import NamedPort, PortSet
from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.engines.posture.views import as_list, as_mapping, get
from kubeguard.model import Inventory, K8sObject

#: The label the control plane puts on every namespace, holding its name.
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


class Network:
    """Everything the reachability evaluator needs, indexed."""

    def __init__(self, inventory: Inventory) -> None:
        self.policies: tuple[Policy, ...] = tuple(
            parse_policy(obj) for obj in inventory.of_kind("NetworkPolicy")
        )
        self.policy_of: dict[K8sObject, Policy] = {p.obj: p for p in self.policies}
        self.policies_in: dict[str, list[Policy]] = defaultdict(list)
        for policy in self.policies:
            self.policies_in[policy.namespace].append(policy)
        self.blocks: tuple[IpBlock, ...] = tuple(
            dict.fromkeys(
                peer.ip_block
                for policy in self.policies
                for direction in Direction
                for rule in policy.rules(direction)
                for peer in rule.peers
                if peer.ip_block is not None
            )
        )
        self.block_index: dict[IpBlock, int] = {b: i for i, b in enumerate(self.blocks)}
        self.endpoints: tuple[Endpoint, ...] = tuple(
            endpoint
            for endpoint in (endpoint_of(obj, inventory) for obj in inventory)
            if endpoint is not None
        )
        self.endpoint_of: dict[K8sObject, Endpoint] = {e.obj: e for e in self.endpoints}
        self._group_classes()
        self._index_namespaces(inventory)
        self._select()
        self.node_addresses: dict[str, tuple[IPAddress, ...]] = {
            node.name: _node_addresses(node) for node in inventory.of_kind("Node")
        }
        self._peer_classes: dict[tuple[Peer, str | None], tuple[PodClass, ...]] = {}
        self._rule_ports: dict[tuple[int, frozenset[NamedPort] | None], PortSet] = {}

    def _group_classes(self) -> None:
        by_key: dict[ClassKey, PodClass] = {}
        self.class_of: dict[Endpoint, PodClass] = {}
        self.members: dict[PodClass, list[Endpoint]] = defaultdict(list)
        for endpoint in self.endpoints:
            block_ids = frozenset(
                index
                for index, block in enumerate(self.blocks)
                if any(block.contains(address) for address in endpoint.addresses)
            )
            key = class_key(endpoint, block_ids)
            found = by_key.get(key)
            if found is None:
                found = PodClass(
                    id=len(by_key),
                    namespace=endpoint.namespace,
                    labels=endpoint.labels,
                    named_ports=endpoint.named_ports,
                    host_network=endpoint.host_network,
                    block_ids=block_ids,
                )
                by_key[key] = found
            self.class_of[endpoint] = found
            self.members[found].append(endpoint)
        self.classes: tuple[PodClass, ...] = tuple(by_key.values())
        self.classes_in: dict[str, list[PodClass]] = defaultdict(list)
        self.classes_in_block: dict[int, list[PodClass]] = defaultdict(list)
        """Classes by the ipBlocks (indices into :attr:`blocks`) their addresses fall in."""
        self._classes_with_label: dict[tuple[str, str, str], list[PodClass]] = defaultdict(list)
        for pod_class in self.classes:
            self.classes_in[pod_class.namespace].append(pod_class)
            for block_id in pod_class.block_ids:
                self.classes_in_block[block_id].append(pod_class)
            for label, value in pod_class.labels.items():
                self._classes_with_label[(pod_class.namespace, label, value)].append(pod_class)

    def _index_namespaces(self, inventory: Inventory) -> None:
        self.namespace_labels: dict[str, Mapping[str, str]] = {}
        for obj in inventory.of_kind("Namespace"):
            labels = {str(k): str(v) for k, v in obj.labels.items()}
            labels[NAMESPACE_NAME_LABEL] = obj.name
            self.namespace_labels[obj.name] = labels
        referenced = {e.namespace for e in self.endpoints} | set(self.policies_in)
        missing = referenced - set(self.namespace_labels)
        for name in missing:
            self.namespace_labels[name] = {NAMESPACE_NAME_LABEL: name}
        self.inferred_namespaces: frozenset[str] = frozenset(missing)
        """Namespaces the inputs use but do not define: only their name label is known."""
        self._namespaces_with_label: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name, known in self.namespace_labels.items():
            for label in known.items():
                self._namespaces_with_label[label].add(name)
        self._namespaces_matching: dict[LabelSelector, frozenset[str]] = {}

    def _select(self) -> None:
        self.selected: dict[Policy, tuple[PodClass, ...]] = {}
        isolating: dict[tuple[PodClass, Direction], list[Policy]] = defaultdict(list)
        for policy in self.policies:
            chosen = self.classes_selected(policy.namespace, policy.pod_selector)
            self.selected[policy] = chosen
            for pod_class in chosen:
                if pod_class.host_network:
                    continue
                for direction in policy.types:
                    isolating[(pod_class, direction)].append(policy)
        self._isolating = {key: tuple(value) for key, value in isolating.items()}

    # ------------------------------------------------------------------ queries

    def isolating(self, pod_class: PodClass, direction: Direction) -> tuple[Policy, ...]:
        """Policies that select ``pod_class`` and isolate it in ``direction`` (none: not isolated).

        Host-network pods are never isolated: NetworkPolicy does not cover them (see
        :mod:`kubeguard.engines.posture.netpol.evaluate`).
        """
        return self._isolating.get((pod_class, direction), ())

    def classes_selected(self, namespace: str, selector: LabelSelector) -> tuple[PodClass, ...]:
        """The classes of ``namespace`` whose pod labels ``selector`` matches, in class order.

        Looked up by one of the selector's labels when it requires one: a Service or policy
        then costs what it selects, not what its namespace holds.
        """
        label = _required_label(selector)
        candidates = (
            self.classes_in.get(namespace, ())
            if label is None
            else self._classes_with_label.get((namespace, *label), ())
        )
        return tuple(c for c in candidates if selector.matches(c.labels))

    def labels_of_namespace(self, name: str) -> Mapping[str, str]:
        """Labels of namespace ``name``; only the automatic name label if the inputs lack it."""
        return self.namespace_labels.get(name) or {NAMESPACE_NAME_LABEL: name}

    def peer_matches(self, peer: Peer, policy_namespace: str, pod_class: PodClass) -> bool:
        """Whether ``peer`` of a policy in ``policy_namespace`` matches the pods of the class.

        An ipBlock matches pods by the addresses they carry. Selectors never match host-network
        pods, whose traffic implementations treat as the node's.
        """
        if not peer.valid:
            return False
        if peer.ip_block is not None:
            return self.block_index[peer.ip_block] in pod_class.block_ids
        if pod_class.host_network:
            return False
        if peer.namespace_selector is None:
            if pod_class.namespace != policy_namespace:
                return False
        elif pod_class.namespace not in self.namespaces_matching(peer.namespace_selector):
            return False
        return peer.pod_selector is None or peer.pod_selector.matches(pod_class.labels)

    def namespaces_matching(self, selector: LabelSelector) -> frozenset[str]:
        """The namespaces (among those known) whose labels ``selector`` matches (cached)."""
        found = self._namespaces_matching.get(selector)
        if found is None:
            label = _required_label(selector)
            candidates: Iterable[str] = (
                self.namespace_labels
                if label is None
                else self._namespaces_with_label.get(label, ())
            )
            found = frozenset(
                name for name in candidates if selector.matches(self.labels_of_namespace(name))
            )
            self._namespaces_matching[selector] = found
        return found

    @staticmethod
    def peer_matches_addresses(peer: Peer, addresses: tuple[IPAddress, ...]) -> bool:
        """Whether ``peer`` matches something outside the pod network at ``addresses``."""
        block = peer.ip_block
        return peer.valid and block is not None and any(block.contains(a) for a in addresses)

    def peer_classes(self, peer: Peer, policy_namespace: str) -> tuple[PodClass, ...]:
        """Every class ``peer`` matches (cached: equal peers share the answer)."""
        scope = policy_namespace if peer.namespace_selector is None else None
        key = (peer, scope)
        found = self._peer_classes.get(key)
        if found is None:
            candidates: Iterable[PodClass]
            if peer.ip_block is not None:
                candidates = self.classes_in_block.get(self.block_index[peer.ip_block], [])
            elif peer.namespace_selector is not None:
                candidates = (
                    pod_class
                    for name in sorted(self.namespaces_matching(peer.namespace_selector))
                    for pod_class in self.classes_in.get(name, [])
                )
            else:
                candidates = self.classes_in.get(policy_namespace, [])
            found = tuple(c for c in candidates if self.peer_matches(peer, policy_namespace, c))
            self._peer_classes[key] = found
        return found

    def endpoints_in_block(self, block: IpBlock) -> list[Endpoint]:
        """Endpoints with an address inside ``block`` (host-network ones included)."""
        block_id = self.block_index.get(block)
        if block_id is None:
            return []
        return [e for c in self.classes_in_block.get(block_id, []) for e in self.members[c]]

    def rule_ports(self, rule: Rule, named_ports: frozenset[NamedPort] | None) -> PortSet:
        """The ports ``rule`` allows at a destination with ``named_ports`` (cached)."""
        key = (id(rule), named_ports if rule.has_named_ports else None)
        found = self._rule_ports.get(key)
        if found is None:
            found = rule.ports_at(named_ports)
            self._rule_ports[key] = found
        return found


def network_of(inventory: Inventory) -> Network:
    """The scan's network index, built on first use."""
    return inventory.derived(Network, Network)


def _required_label(selector: LabelSelector) -> tuple[str, str] | None:
    """A ``(key, value)`` every object ``selector`` matches must carry, if it has one."""
    for requirement in selector.requirements:
        if requirement.operator == "In" and len(requirement.values) == 1:
            (value,) = requirement.values
            return requirement.key, value
    return None


def _node_addresses(node: K8sObject) -> tuple[IPAddress, ...]:
    status = as_mapping(node.manifest.get("status"))
    parsed = (parse_address(get(item, "address")) for item in as_list(status.get("addresses")))
    return tuple(dict.fromkeys(address for address in parsed if address is not None))
