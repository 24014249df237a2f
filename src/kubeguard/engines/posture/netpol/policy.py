"""NetworkPolicy objects read into rules, with the defaults the API server applies.

- ``spec.podSelector`` selects pods of the policy's own namespace; ``{}`` (or an absent
  selector, which the API stores as ``{}``) selects all of them.
- ``policyTypes`` absent or empty: ``Ingress`` always, ``Egress`` only when ``egress`` has rules.
  Rules of a direction the policy's types do not list are ignored.
- A rule whose ``from``/``to`` is absent or empty matches every peer, addresses outside the
  cluster included; a rule whose ``ports`` is absent or empty matches every port.
- A peer is a ``podSelector`` (own namespace), a ``namespaceSelector`` (every pod of the matching
  namespaces), both in one entry (AND: those pods in those namespaces), or an ``ipBlock``.

Anything the API server would reject is kept as a :class:`Problem` and reads as "allows
nothing", so a typo never widens access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubeguard.engines.posture.netpol.addresses import IpBlock, parse_ip_block
from kubeguard.engines.posture.netpol.ports import NamedPort, PortSet, PortSpec, parse_port_spec
from kubeguard.engines.posture.netpol.problems import Problem
from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.model import FieldPath, K8sObject


class Direction(StrEnum):
    """The two directions a policy can isolate, as ``policyTypes`` spells them."""

    INGRESS = "Ingress"
    EGRESS = "Egress"

    @property
    def rules_field(self) -> str:
        """``ingress`` or ``egress``."""
        return self.value.lower()

    @property
    def peers_field(self) -> str:
        """``from`` for ingress rules, ``to`` for egress rules."""
        return "from" if self is Direction.INGRESS else "to"


@dataclass(frozen=True, slots=True)
class Peer:
    """One ``from``/``to`` entry. Equal peers (same selectors) match the same pods."""

    pod_selector: LabelSelector | None
    namespace_selector: LabelSelector | None
    ip_block: IpBlock | None
    valid: bool = True
    """False when the API server would reject the entry; an invalid peer matches nothing."""

    @property
    def selects_all_pods(self) -> bool:
        """Every pod of every namespace: ``namespaceSelector: {}`` with no or an empty podSelector."""
        return (
            self.valid
            and self.namespace_selector is not None
            and self.namespace_selector.selects_all
            and (self.pod_selector is None or self.pod_selector.selects_all)
        )

    def describe(self) -> str:
        """A short human description, e.g. ``pods app=web in namespaces team=a``."""
        if not self.valid:
            return "an invalid peer (matches nothing)"
        if self.ip_block is not None:
            return f"ipBlock {self.ip_block.describe()}"
        pods = _describe_selector(self.pod_selector, "all pods", "pods")
        if self.namespace_selector is None:
            return f"{pods} of the policy's namespace"
        spaces = _describe_selector(self.namespace_selector, "every namespace", "namespaces")
        return f"{pods} in {spaces}"


def _describe_selector(selector: LabelSelector | None, everything: str, noun: str) -> str:
    if selector is None or selector.selects_all:
        return everything
    if not selector.valid:
        return f"no {noun} (malformed selector)"
    parts = []
    for requirement in selector.requirements:
        values = ",".join(sorted(requirement.values))
        match requirement.operator:
            case "In" if len(requirement.values) == 1:
                parts.append(f"{requirement.key}={values}")
            case "In":
                parts.append(f"{requirement.key} in ({values})")
            case "NotIn":
                parts.append(f"{requirement.key} notin ({values})")
            case "Exists":
                parts.append(requirement.key)
            case _:
                parts.append(f"!{requirement.key}")
    return f"{noun} {','.join(parts)}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress or egress rule."""

    direction: Direction
    index: int
    peers: tuple[Peer, ...]
    """The ``from``/``to`` entries; meaningless when :attr:`any_peer`."""
    any_peer: bool
    """``from``/``to`` absent or empty: every source or destination, outside the cluster too."""
    ports: tuple[PortSpec, ...]
    """The well-formed ``ports`` entries; meaningless when :attr:`any_port`."""
    any_port: bool
    """``ports`` absent or empty: every port of every protocol."""

    @property
    def path(self) -> FieldPath:
        """Path of the rule from the object root."""
        return ("spec", self.direction.rules_field, self.index)

    @property
    def has_named_ports(self) -> bool:
        """Whether some port is a name, so the ports differ from destination to destination."""
        return any(spec.is_named for spec in self.ports)

    def ports_at(self, named_ports: Iterable[NamedPort] | None) -> PortSet:
        """The ports this rule allows at a destination with ``named_ports`` (``None``: not a pod)."""
        if self.any_port:
            return PortSet.every()
        named = tuple(named_ports) if named_ports is not None else None
        return PortSet.union_of(spec.resolve(named) for spec in self.ports)

    def describe_ports(self) -> str:
        """``all ports`` or the entries as written, e.g. ``TCP/8080, UDP/53``."""
        if self.any_port:
            return "all ports"
        if not self.ports:
            return "no valid port"
        return ", ".join(spec.describe() for spec in self.ports)

    def describe_peers(self) -> str:
        """``any peer`` or the peers, joined by ``or``."""
        if self.any_peer:
            return "any peer"
        return " or ".join(peer.describe() for peer in self.peers) or "no valid peer"


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """A NetworkPolicy as the evaluator uses it."""

    obj: K8sObject
    namespace: str
    name: str
    pod_selector: LabelSelector
    types: frozenset[Direction]
    """Effective ``policyTypes``, defaults applied."""
    types_defaulted: bool
    """Whether ``policyTypes`` was absent, so :attr:`types` came from the defaults."""
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]
    problems: tuple[Problem, ...]

    @property
    def ref(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"

    def isolates(self, direction: Direction) -> bool:
        """Whether the pods this policy selects are isolated in ``direction``."""
        return direction in self.types

    def rules(self, direction: Direction) -> tuple[Rule, ...]:
        """The rules that count in ``direction``: none if the policy's types do not list it."""
        if direction not in self.types:
            return ()
        return self.ingress if direction is Direction.INGRESS else self.egress


def parse_policy(obj: K8sObject) -> Policy:
    """Read a NetworkPolicy object; malformed parts become problems that allow nothing."""
    problems: list[Problem] = []
    spec = obj.manifest.get("spec")
    if not isinstance(spec, dict):
        if spec is not None:
            problems.append(Problem(("spec",), "spec must be a mapping; read as empty"))
        spec = {}
    raw_selector = spec.get("podSelector")
    pod_selector = LabelSelector() if raw_selector is None else LabelSelector.parse(raw_selector)
    if not pod_selector.valid:
        problems.append(
            Problem(("spec", "podSelector"), "malformed podSelector; the policy selects no pod")
        )
    rules = {
        direction: _rules(spec.get(direction.rules_field), direction, problems)
        for direction in Direction
    }
    types, defaulted = _types(spec, problems)
    return Policy(
        obj=obj,
        namespace=obj.effective_namespace or "default",
        name=obj.name,
        pod_selector=pod_selector,
        types=types,
        types_defaulted=defaulted,
        ingress=rules[Direction.INGRESS],
        egress=rules[Direction.EGRESS],
        problems=tuple(problems),
    )


def _types(spec: dict[str, Any], problems: list[Problem]) -> tuple[frozenset[Direction], bool]:
    raw = spec.get("policyTypes")
    if raw is None or raw == []:
        egress = spec.get("egress")
        has_egress = isinstance(egress, list) and len(egress) > 0
        return frozenset({Direction.INGRESS, *([Direction.EGRESS] if has_egress else [])}), True
    if not isinstance(raw, list):
        problems.append(Problem(("spec", "policyTypes"), "policyTypes must be a list"))
        raw = []
    types: set[Direction] = set()
    for index, value in enumerate(raw):
        if value in Direction.__members__.values():
            types.add(Direction(value))
        else:
            problems.append(
                Problem(("spec", "policyTypes", index), f"unknown policy type {value!r}; ignored")
            )
    return frozenset(types), False


def _rules(raw: Any, direction: Direction, problems: list[Problem]) -> tuple[Rule, ...]:
    base: FieldPath = ("spec", direction.rules_field)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(base, f"{direction.rules_field} must be a list; read as empty"))
        return ()
    rules = []
    for index, item in enumerate(raw):
        path = base + (index,)
        if not isinstance(item, dict):
            problems.append(Problem(path, "a rule must be a mapping; it allows nothing"))
            rules.append(Rule(direction, index, (), False, (), False))
            continue
        peers, any_peer = _peers(item.get(direction.peers_field), path, direction, problems)
        ports, any_port = _ports(item.get("ports"), path + ("ports",), problems)
        rules.append(Rule(direction, index, peers, any_peer, ports, any_port))
    return tuple(rules)


def _peers(
    raw: Any, path: FieldPath, direction: Direction, problems: list[Problem]
) -> tuple[tuple[Peer, ...], bool]:
    path = path + (direction.peers_field,)
    if raw is None or raw == []:
        return (), True
    if not isinstance(raw, list):
        problems.append(Problem(path, f"{direction.peers_field} must be a list; matches nothing"))
        return (), False
    return tuple(_peer(item, path + (index,), problems) for index, item in enumerate(raw)), False


def _peer(raw: Any, path: FieldPath, problems: list[Problem]) -> Peer:
    invalid = Peer(None, None, None, valid=False)
    if not isinstance(raw, dict):
        problems.append(Problem(path, "a peer must be a mapping; it matches nothing"))
        return invalid
    present = [
        key for key in ("podSelector", "namespaceSelector", "ipBlock") if raw.get(key) is not None
    ]
    if not present:
        problems.append(Problem(path, "a peer needs podSelector, namespaceSelector or ipBlock"))
        return invalid
    if "ipBlock" in present:
        if len(present) > 1:
            problems.append(Problem(path, "ipBlock cannot be combined with selectors"))
            return invalid
        block, block_problems = parse_ip_block(raw["ipBlock"], path + ("ipBlock",))
        problems.extend(block_problems)
        return Peer(None, None, block) if block is not None else invalid
    selectors = {}
    for key in present:
        selector = LabelSelector.parse(raw[key])
        if not selector.valid:
            problems.append(Problem(path + (key,), f"malformed {key}; the peer matches nothing"))
            return invalid
        selectors[key] = selector
    return Peer(selectors.get("podSelector"), selectors.get("namespaceSelector"), None)


def _ports(raw: Any, path: FieldPath, problems: list[Problem]) -> tuple[tuple[PortSpec, ...], bool]:
    if raw is None or raw == []:
        return (), True
    if not isinstance(raw, list):
        problems.append(Problem(path, "ports must be a list; the rule allows no port"))
        return (), False
    specs = []
    for index, item in enumerate(raw):
        spec, spec_problems = parse_port_spec(item, path + (index,))
        problems.extend(spec_problems)
        if spec is not None:
            specs.append(spec)
    return tuple(specs), False
