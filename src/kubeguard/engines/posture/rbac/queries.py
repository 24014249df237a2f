"""Questions about RBAC: who can do something, what a subject can do, may it do this.

Answers carry the grants that give them (binding → role → rule), so a user sees what to change.
A namespace in a question means a request in that namespace: RoleBindings there and every
ClusterRoleBinding count. No namespace means a request across all namespaces (or on a
cluster-scoped resource), which only ClusterRoleBindings allow; ``who_can`` may instead be asked
about *any* namespace, listing every RoleBinding with the namespace it applies in. Members of
``system:masters`` are allowed everything, before RBAC is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.engines.posture.rbac.escalation import Step, escalation_graph
from kubeguard.engines.posture.rbac.index import Grant, RbacIndex, rbac_index
from kubeguard.engines.posture.rbac.risks import RISKS, Risk
from kubeguard.engines.posture.rbac.rules import ALL, Request
from kubeguard.engines.posture.rbac.subjects import MASTERS, Subject
from kubeguard.model import Inventory, KubeguardError


class QueryError(KubeguardError):
    """A question kubeguard cannot ask: an unknown resource type, a malformed subject."""


@dataclass(frozen=True, slots=True)
class WhoCanAnswer:
    """Who may make a request, and through which grants."""

    request: Request
    any_namespace: bool
    """Whether RoleBindings of every namespace were counted, each in its own namespace."""
    grants: tuple[Grant, ...]
    """One per (binding subject, rule) that allows the request, sorted by subject."""
    superuser_group: str = MASTERS
    """The group allowed everything without RBAC, listed for completeness."""

    @property
    def subjects(self) -> list[Subject]:
        """The distinct subjects, in order."""
        return sorted({grant.subject for grant in self.grants})


@dataclass(frozen=True, slots=True)
class CanAnswer:
    """Whether one subject may make one request."""

    subject: Subject
    request: Request
    grants: tuple[Grant, ...]
    superuser: bool
    """Allowed as a member of ``system:masters``, before RBAC."""

    @property
    def allowed(self) -> bool:
        """The verdict."""
        return self.superuser or bool(self.grants)


@dataclass(frozen=True, slots=True)
class HeldPermission:
    """One rule a subject holds, and the risks it is part of."""

    grant: Grant
    risks: tuple[Risk, ...]

    @property
    def wildcard(self) -> bool:
        """The rule names ``*`` as a verb or resource."""
        return ALL in self.grant.rule.verbs or ALL in self.grant.rule.resources


@dataclass(frozen=True, slots=True)
class SubjectAnswer:
    """Everything a subject may do, the risky parts marked, and its shortest escalation path."""

    subject: Subject
    permissions: tuple[HeldPermission, ...]
    superuser: bool
    escalation: tuple[Step, ...] | None
    """A shortest path to cluster-admin power, ``None`` when there is none (or no need)."""

    @property
    def risky(self) -> list[HeldPermission]:
        """The permissions that are part of some risk."""
        return [held for held in self.permissions if held.risks]


def parse_subject(text: str) -> Subject:
    """A subject from ``user:NAME``, ``group:NAME``, ``system:serviceaccount:NS:NAME`` …"""
    subject = Subject.parse(text.strip())
    if subject is None:
        raise QueryError(
            f"cannot read subject {text!r}: write user:NAME, group:NAME, "
            "serviceaccount:NAMESPACE/NAME or system:serviceaccount:NAMESPACE:NAME"
        )
    return subject


def build_request(
    index: RbacIndex,
    verb: str,
    resource: str,
    *,
    namespace: str = "",
    api_group: str | None = None,
    name: str = "",
) -> Request:
    """The request a question is about; resource names are read as ``kubectl auth can-i`` does."""
    if resource.startswith("/"):
        return Request(verb, path=resource)
    base, _, subresource = resource.partition("/")
    if base == ALL:
        return Request(verb, ALL, subresource, api_group or "", name, namespace)
    found = index.catalog.lookup(base, api_group)
    if found:
        kind = found[0]
        return Request(
            verb, kind.plural, subresource, kind.group, name, namespace if kind.namespaced else ""
        )
    if api_group is not None or "." in base:
        plural, _, group = base.partition(".")
        group = api_group if api_group is not None else group
        return Request(verb, plural, subresource, group, name, namespace)
    raise QueryError(
        f"unknown resource type {base!r}: give its API group with --api-group or as "
        f"{base}.GROUP (core resources need neither)"
    )


def who_can(inventory: Inventory, request: Request, *, any_namespace: bool = False) -> WhoCanAnswer:
    """Every subject some binding allows to make ``request``.

    ``any_namespace`` only widens questions about namespaced resources: RoleBindings never grant
    cluster-scoped resources or non-resource URLs, whatever their namespace.
    """
    index = rbac_index(inventory)
    namespaced = not request.path and index.catalog.is_namespaced(
        request.resource, request.api_group
    )
    any_namespace = any_namespace and namespaced
    grants = index.grants_allowing(request, any_namespace=any_namespace)
    ordered = sorted(grants, key=lambda g: (g.subject, str(g.binding), g.rule.index))
    return WhoCanAnswer(request, any_namespace, tuple(ordered))


def can(inventory: Inventory, subject: Subject, request: Request) -> CanAnswer:
    """Whether ``subject`` may make ``request``, and every grant that allows it."""
    grants = rbac_index(inventory).allowing(subject, request)
    return CanAnswer(subject, request, tuple(grants), subject.is_superuser)


def permissions_of(inventory: Inventory, subject: Subject) -> SubjectAnswer:
    """Everything RBAC grants ``subject`` (its groups included), with risks and escalation."""
    grants = list(rbac_index(inventory).grants_of(subject))
    marked: dict[int, list[Risk]] = {}
    for risk in RISKS:
        for position in _grants_holding(risk, grants):
            marked.setdefault(position, []).append(risk)
    held = tuple(
        HeldPermission(grant, tuple(marked.get(position, ())))
        for position, grant in enumerate(grants)
    )
    graph = escalation_graph(inventory)
    path = None if subject.is_superuser else graph.shortest_path(subject)
    return SubjectAnswer(subject, held, subject.is_superuser, path)


def _grants_holding(risk: Risk, grants: list[Grant]) -> list[int]:
    """Positions of the grants that together give ``risk``, if they do."""
    positions: list[int] = []
    for requirement in risk.requirements:
        matching = [
            position
            for position, grant in enumerate(grants)
            if risk.applies_in(grant.namespace) and requirement.in_rule(grant.rule)
        ]
        if not matching:
            return []
        positions.extend(matching)
    return sorted(set(positions))
