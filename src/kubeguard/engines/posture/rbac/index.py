"""The RBAC objects of one scan, resolved and indexed: who is bound to what, and what it allows.

Built once per scan (:func:`rbac_index`) and then only read:

* **roles**: every Role and ClusterRole, with the effective rules of aggregated ClusterRoles. The
  aggregation controller gives a ClusterRole with an ``aggregationRule`` the rules of every other
  ClusterRole one of its ``clusterRoleSelectors`` selects (an empty selector selects all), and
  does so again for roles that are themselves aggregated, so aggregation here is transitive. Rules
  a dump already copied into the aggregated role are kept once, credited to the role that wrote
  them; rules found only in the aggregated role are kept too, so nothing the cluster may grant is
  lost. Default roles the scan lacks come from :mod:`~kubeguard.engines.posture.rbac.defaults`.
* **bindings**: a RoleBinding grants its role's rules in its own namespace, whether the role is a
  Role of that namespace or a ClusterRole; a ClusterRoleBinding grants a ClusterRole's rules in
  every namespace and on cluster-scoped resources. A roleRef to a missing role grants nothing.
* **who is bound**: bindings by the subject they name, so one subject's permissions are found
  without looking at anyone else's; and rules by verb and resource, so a who-can question reads
  only the rules that could answer it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.rbac.defaults import (
    DEFAULT_CLUSTER_ROLES,
    DEFAULT_ROLES,
    is_shipped,
)
from kubeguard.engines.posture.rbac.resources import ResourceCatalog
from kubeguard.engines.posture.rbac.risks import Risk
from kubeguard.engines.posture.rbac.rules import ALL, Request, RoleKey, Rule
from kubeguard.engines.posture.rbac.subjects import Subject, binding_subject
from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.engines.posture.views import as_list, as_mapping, as_str, get
from kubeguard.model import Inventory, K8sObject

ROLE = "Role"
CLUSTER_ROLE = "ClusterRole"
ROLE_BINDING = "RoleBinding"
CLUSTER_ROLE_BINDING = "ClusterRoleBinding"
BINDING_KINDS = frozenset({ROLE_BINDING, CLUSTER_ROLE_BINDING})
ROLE_KINDS = frozenset({ROLE, CLUSTER_ROLE})


@dataclass(frozen=True, slots=True, eq=False)
class Role:
    """A Role or ClusterRole with its effective rules."""

    key: RoleKey
    rules: tuple[Rule, ...]
    """Own rules, then (for an aggregated ClusterRole) those of the roles it aggregates."""
    obj: K8sObject | None
    """The scanned object; ``None`` for a Kubernetes default the scan lacks."""

    @property
    def shipped(self) -> bool:
        """A Kubernetes or EKS default (in the scan or stood in for)."""
        return self.obj is None or is_shipped(self.obj)

    def describe(self) -> str:
        """``ClusterRole view (Kubernetes default, not in the scan)`` or ``Role shop/app``."""
        if self.obj is None:
            return f"{self.key} (Kubernetes default, not in the scan)"
        return str(self.key)


@dataclass(frozen=True, slots=True, eq=False)
class Binding:
    """A RoleBinding or ClusterRoleBinding, its role resolved and its subjects read."""

    obj: K8sObject
    role_ref: RoleKey | None
    """What ``roleRef`` names; ``None`` when it is malformed."""
    role: Role | None
    """The role, when the scan (or the defaults) has it."""
    subjects: tuple[tuple[int, Subject], ...]
    """``(index in subjects, subject)`` for every entry that can match someone."""

    @property
    def kind(self) -> str:
        """``RoleBinding`` or ``ClusterRoleBinding``."""
        return self.obj.kind

    @property
    def namespace(self) -> str | None:
        """Where the grant applies: the RoleBinding's namespace, ``None`` for cluster-wide."""
        return self.obj.effective_namespace if self.kind == ROLE_BINDING else None

    @property
    def shipped(self) -> bool:
        """A binding Kubernetes or EKS created."""
        return is_shipped(self.obj)

    def __str__(self) -> str:
        scope = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {scope}{self.obj.name}"

    def judged_subjects(self) -> Iterator[tuple[int, Subject]]:
        """Subjects controls judge: all of a user's binding; only added ones of a shipped one.

        A shipped binding names system components (``system:…`` users and groups, service
        accounts of ``kube-system``) on purpose; anyone else in it, broad groups included, was
        put there by someone and is judged like any binding's subject.
        """
        for index, subject in self.subjects:
            if self.shipped and (subject.is_system or subject.namespace == "kube-system"):
                continue
            yield index, subject

    def applies_in(self, namespace: str) -> bool:
        """Whether the grant covers a request in ``namespace`` (``""``: cluster-wide)."""
        return self.namespace is None or (bool(namespace) and self.namespace == namespace)


@dataclass(frozen=True, slots=True)
class Grant:
    """One rule granted to one subject by one binding: the chain a permission comes from."""

    binding: Binding
    subject_index: int
    """Which entry of the binding's ``subjects`` matched."""
    subject: Subject
    """That entry: the subject itself, or a group it is in."""
    rule: Rule

    @property
    def namespace(self) -> str | None:
        """Where the rule applies; ``None`` for cluster-wide."""
        return self.binding.namespace

    @property
    def scope(self) -> str:
        """``namespace shop`` or ``cluster-wide``."""
        return f"namespace {self.namespace}" if self.namespace else "cluster-wide"

    def chain(self) -> tuple[str, ...]:
        """binding → role → (aggregated from …) → rule, as lines."""
        role = self.binding.role
        links = [str(self.binding), role.describe() if role is not None else "(no role)"]
        if role is not None and self.rule.origin != role.key:
            links.append(f"aggregated from {self.rule.origin}")
        links.append(f"rules[{self.rule.index}]: {self.rule.describe()}")
        return tuple(links)


class RbacIndex:
    """Roles, bindings and the indexes over them, for one scan."""

    def __init__(self, inventory: Inventory) -> None:
        self.catalog = ResourceCatalog(inventory.of_kind("CustomResourceDefinition"))
        self.roles: dict[RoleKey, Role] = {}
        self._build_roles(inventory)
        self.bindings: list[Binding] = []
        self._by_subject: dict[Subject, list[tuple[Binding, int]]] = defaultdict(list)
        self._by_role: dict[RoleKey, list[Binding]] = defaultdict(list)
        self._by_role_namespace: dict[tuple[RoleKey, str], list[Binding]] = defaultdict(list)
        self._by_object: dict[int, Binding] = {}
        self._risk_rules: dict[tuple[RoleKey, str], tuple[Rule, ...]] = {}
        self._unheld: dict[tuple[Subject, Subject], Grant | None] = {}
        for kind in (CLUSTER_ROLE_BINDING, ROLE_BINDING):
            for obj in inventory.of_kind(kind):
                self._add_binding(obj)
        self._rules_by_key: dict[tuple[str, str], list[tuple[Role, Rule]]] | None = None

    # ------------------------------------------------------------------ building

    def _build_roles(self, inventory: Inventory) -> None:
        manifests: dict[RoleKey, tuple[Mapping[str, Any], K8sObject | None]] = {}
        for (namespace, name), manifest in DEFAULT_ROLES.items():
            manifests[RoleKey(ROLE, namespace, name)] = (manifest, None)
        for name, manifest in DEFAULT_CLUSTER_ROLES.items():
            manifests[RoleKey(CLUSTER_ROLE, "", name)] = (manifest, None)
        for kind in ROLE_KINDS:
            for obj in inventory.of_kind(kind):
                namespace = (obj.effective_namespace or "") if kind == ROLE else ""
                manifests[RoleKey(kind, namespace, obj.name)] = (obj.manifest, obj)
        own = {key: _own_rules(key, manifest) for key, (manifest, _) in manifests.items()}
        labels = {
            key: as_mapping(get(manifest, "metadata", "labels"))
            for key, (manifest, _) in manifests.items()
            if key.kind == CLUSTER_ROLE
        }
        selectors = {
            key: [LabelSelector.parse(raw) for raw in as_list(get(manifest, *_SELECTORS))]
            for key, (manifest, _) in manifests.items()
            if key.kind == CLUSTER_ROLE and isinstance(get(manifest, "aggregationRule"), Mapping)
        }
        resolved: dict[RoleKey, tuple[Rule, ...]] = {}

        def effective(key: RoleKey, visiting: frozenset[RoleKey]) -> tuple[Rule, ...]:
            if key in resolved:
                return resolved[key]
            if key not in selectors:
                return own[key]
            aggregated: list[Rule] = []
            for source in sorted(labels):
                if source == key or source in visiting:
                    continue
                if any(selector.matches(labels[source]) for selector in selectors[key]):
                    aggregated.extend(effective(source, visiting | {key}))
            seen = {rule.content for rule in aggregated}
            rules = tuple(r for r in own[key] if r.content not in seen) + _unique(aggregated)
            if not visiting:
                resolved[key] = rules
            return rules

        for key, (_, scanned) in manifests.items():
            self.roles[key] = Role(key, effective(key, frozenset()), scanned)

    def _add_binding(self, obj: K8sObject) -> None:
        namespace = obj.effective_namespace if obj.kind == ROLE_BINDING else None
        role_ref = _role_ref(obj, namespace)
        subjects = []
        for index, raw in enumerate(as_list(obj.manifest.get("subjects"))):
            subject = binding_subject(raw, namespace)
            if subject is not None:
                subjects.append((index, subject))
        binding = Binding(
            obj, role_ref, self.roles.get(role_ref) if role_ref else None, tuple(subjects)
        )
        self.bindings.append(binding)
        self._by_object[id(obj)] = binding
        for index, subject in binding.subjects:
            self._by_subject[subject].append((binding, index))
        if role_ref is not None:
            self._by_role[role_ref].append(binding)
            self._by_role_namespace[(role_ref, namespace or "")].append(binding)

    # ------------------------------------------------------------------ reading

    def binding_for(self, obj: K8sObject) -> Binding | None:
        """The resolved binding of a scanned RoleBinding or ClusterRoleBinding object."""
        return self._by_object.get(id(obj))

    def rules_granting(self, role: Role, risk: Risk) -> tuple[Rule, ...]:
        """The rules of ``role`` that together give ``risk`` (computed once per role)."""
        key = (role.key, risk.key)
        if key not in self._risk_rules:
            self._risk_rules[key] = risk.rules_granting(role.rules)
        return self._risk_rules[key]

    def bindings_naming(self, subject: Subject) -> list[tuple[Binding, int]]:
        """Bindings that name ``subject`` itself, with the index of the entry."""
        return list(self._by_subject.get(subject, ()))

    def bindings_of_role(self, role: RoleKey, namespace: str | None = None) -> list[Binding]:
        """Bindings of ``role``; with ``namespace``, only those that apply there."""
        if namespace is None:
            return list(self._by_role.get(role, ()))
        found = list(self._by_role_namespace.get((role, ""), ()))
        if namespace:
            found += self._by_role_namespace.get((role, namespace), ())
        return found

    def subjects(self) -> set[Subject]:
        """Every subject some binding names."""
        return {subject for subject, found in self._by_subject.items() if found}

    def grants_of(self, subject: Subject) -> Iterator[Grant]:
        """Every rule granted to ``subject``, directly or through a group it is in."""
        for key in _identity_keys(subject):
            for binding, index in self._by_subject.get(key, ()):
                if binding.role is None:
                    continue
                for rule in binding.role.rules:
                    yield Grant(binding, index, key, rule)

    def allowing(self, subject: Subject, request: Request) -> list[Grant]:
        """The grants that allow ``subject`` to make ``request`` (empty: denied by RBAC)."""
        return [
            grant
            for grant in self.grants_of(subject)
            if grant.binding.applies_in(request.namespace) and grant.rule.allows(request)
        ]

    def unheld_grant(self, holder: Subject, other: Subject) -> Grant | None:
        """A grant ``other``'s own bindings give that ``holder`` lacks, if there is one.

        Grants ``other`` gets through groups are not compared: they say nothing about the
        account itself, and ``holder`` is usually in the same broad groups.
        """
        key = (holder, other)
        if key not in self._unheld:
            self._unheld[key] = None if holder.is_superuser else self._first_unheld(holder, other)
        return self._unheld[key]

    def _first_unheld(self, holder: Subject, other: Subject) -> Grant | None:
        held = list(self.grants_of(holder))
        # The same rule held where it applies covers it without expanding it into requests.
        same = {(grant.rule.content, grant.namespace) for grant in held}
        for binding, index in self._by_subject.get(other, ()):
            if binding.role is None:
                continue
            namespace = binding.namespace
            relevant = [grant for grant in held if grant.binding.applies_in(namespace or "")]
            for rule in binding.role.rules:
                if (rule.content, None) in same or (rule.content, namespace) in same:
                    continue
                for request in rule.requests_in(namespace or ""):
                    if not any(grant.rule.allows(request) for grant in relevant):
                        return Grant(binding, index, other, rule)
        return None

    def grants_allowing(self, request: Request, *, any_namespace: bool = False) -> list[Grant]:
        """Every grant, to anyone, that allows ``request``.

        With ``any_namespace``, RoleBindings of every namespace count, each in its own
        namespace: the answer to "who can do this anywhere".
        """
        found: list[Grant] = []
        for role, rule in self._candidate_rules(request):
            if not rule.allows(request):
                continue
            bindings = (
                self.bindings_of_role(role.key)
                if any_namespace
                else self.bindings_of_role(role.key, request.namespace)
            )
            for binding in bindings:
                for index, subject in binding.subjects:
                    found.append(Grant(binding, index, subject, rule))
        return found

    def _candidate_rules(self, request: Request) -> Iterator[tuple[Role, Rule]]:
        if self._rules_by_key is None:
            self._rules_by_key = _index_rules(self.roles.values())
        if request.path:
            resources = [_URL_KEY]
        else:
            resources = [request.combined_resource, ALL]
            if request.subresource:
                resources.append(f"*/{request.subresource}")
        seen: set[tuple[int, int]] = set()
        for verb in (request.verb, ALL):
            for resource in resources:
                for role, rule in self._rules_by_key.get((verb, resource), ()):
                    if (id(role), id(rule)) not in seen:
                        seen.add((id(role), id(rule)))
                        yield role, rule


_SELECTORS = ("aggregationRule", "clusterRoleSelectors")
#: Index key of non-resource rules, which no resource name can collide with.
_URL_KEY = "/"


def _own_rules(key: RoleKey, manifest: Mapping[str, Any]) -> tuple[Rule, ...]:
    return tuple(
        Rule.parse(raw, key, index) for index, raw in enumerate(as_list(manifest.get("rules")))
    )


def _unique(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    seen: set[tuple[object, ...]] = set()
    kept = []
    for rule in rules:
        if rule.content not in seen:
            seen.add(rule.content)
            kept.append(rule)
    return tuple(kept)


def _role_ref(binding: K8sObject, namespace: str | None) -> RoleKey | None:
    ref = as_mapping(binding.manifest.get("roleRef"))
    kind, name = as_str(ref.get("kind")), as_str(ref.get("name"))
    if not name:
        return None
    if kind == CLUSTER_ROLE:
        return RoleKey(CLUSTER_ROLE, "", name)
    # A ClusterRoleBinding may only name a ClusterRole; the API server rejects anything else.
    if kind == ROLE and namespace:
        return RoleKey(ROLE, namespace, name)
    return None


def _identity_keys(subject: Subject) -> list[Subject]:
    keys = [subject]
    keys += [Subject.group(group) for group in subject.groups if Subject.group(group) != subject]
    return keys


def _index_rules(roles: Iterable[Role]) -> dict[tuple[str, str], list[tuple[Role, Rule]]]:
    index: dict[tuple[str, str], list[tuple[Role, Rule]]] = defaultdict(list)
    for role in roles:
        for rule in role.rules:
            resources = list(rule.resources)
            if rule.non_resource_urls:
                resources.append(_URL_KEY)
            for verb in rule.verbs:
                for resource in resources:
                    index[(verb, resource)].append((role, rule))
    return index


def rbac_index(inventory: Inventory) -> RbacIndex:
    """The scan's RBAC index, built on first use."""
    return inventory.derived(RbacIndex, RbacIndex)
