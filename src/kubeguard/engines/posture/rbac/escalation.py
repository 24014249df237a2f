"""Privilege-escalation paths: how a subject can turn what it holds into cluster-admin power.

The graph's nodes are subjects (users, groups, service accounts), "any ServiceAccount of
namespace N", "the ServiceAccounts of the running pods of N", and the goal, *cluster-admin
equivalent*. Its edges are the steps an attacker holding a subject's credentials can take:

* create pods or workloads in N, create Secrets in N (the token controller fills a
  ``service-account-token`` Secret for any account named in it), create tokens for or impersonate
  every ServiceAccount of N, bind a role that does so, or escalate a role of N → any
  ServiceAccount of N, and from there each of them;
* create tokens for, impersonate, or read the token Secret of a named account → that account;
* exec into, attach to or add an ephemeral container to pods of N → the accounts those pods run
  as with a mounted token;
* impersonate a named user or group → that user or group;
* be a service account or user → be a member of its implicit groups.

The goal is reached by holding, cluster-wide: every verb on every resource; read of all Secrets;
``nodes/proxy`` (exec into any pod through the kubelet); impersonation of any user or group;
``bind`` on ClusterRoles with create on ClusterRoleBindings; ``escalate`` with update on
ClusterRoles; CSR creation with approval and the API-server client signer; or write access to
the ``aws-auth`` ConfigMap (map one's IAM identity to ``system:masters``). Membership of
``system:masters`` is the goal itself. Any ServiceAccount of ``kube-system`` counts as the goal
too: every cluster runs controllers there with cluster-admin-equivalent rights (the
ClusterRole aggregation controller may escalate any ClusterRole), and the scan rarely holds them.

Create (or update) of RoleBindings alone is no step: the API server lets a subject bind only
roles whose permissions it holds, unless it has ``bind`` on them. Distances to the goal come
from one breadth-first search backwards from the goal over the whole graph, so every subject's
shortest path is read off without a search per subject.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kubeguard.engines.posture import service_accounts
from kubeguard.engines.posture.rbac import risks
from kubeguard.engines.posture.rbac.index import (
    CLUSTER_ROLE,
    Binding,
    Grant,
    RbacIndex,
    Role,
    rbac_index,
)
from kubeguard.engines.posture.rbac.risks import KUBE_SYSTEM, Permission
from kubeguard.engines.posture.rbac.rules import RoleKey
from kubeguard.engines.posture.rbac.subjects import MASTERS, Subject, SubjectKind
from kubeguard.engines.posture.views import as_str, workload_of
from kubeguard.model import Inventory

# Secret type and annotation names, not credentials.
TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"  # noqa: S105
TOKEN_SECRET_ACCOUNT = "kubernetes.io/service-account.name"  # noqa: S105


@dataclass(frozen=True, slots=True, order=True)
class AnyAccountOf:
    """Being able to act as any ServiceAccount of a namespace."""

    namespace: str

    def __str__(self) -> str:
        return f"any ServiceAccount of namespace {self.namespace}"


@dataclass(frozen=True, slots=True, order=True)
class PodsOf:
    """Being able to run commands in the running pods of a namespace (``""``: every one)."""

    namespace: str

    def __str__(self) -> str:
        where = f"namespace {self.namespace}" if self.namespace else "every namespace"
        return f"the ServiceAccounts of running pods in {where}"


@dataclass(frozen=True, slots=True)
class ClusterAdminEquivalent:
    """The goal: power equal to cluster-admin."""

    def __str__(self) -> str:
        return "cluster-admin equivalent"


GOAL = ClusterAdminEquivalent()
Node = Subject | AnyAccountOf | PodsOf | ClusterAdminEquivalent


@dataclass(frozen=True, slots=True)
class Step:
    """One move from ``source`` to ``target``, and the grants that allow it."""

    source: Node
    target: Node
    action: str
    """What the source does, as a verb phrase: ``can create pods or workloads in namespace a``."""
    grants: tuple[Grant, ...] = ()
    """The rules that allow the move; none for group membership and running as an account."""

    def describe(self) -> str:
        """``can create pods … in namespace a (RoleBinding a/x → Role a/y rules[0])``."""
        if not self.grants:
            return self.action
        cited = "; ".join(_cite(grant) for grant in self.grants)
        return f"{self.action} ({cited})"


def _cite(grant: Grant) -> str:
    """``RoleBinding a/x → Role a/y rules[0]``: the chain without the rule's text."""
    role = grant.binding.role
    origin = grant.rule.origin
    via = f" (from {origin})" if role is not None and origin != role.key else ""
    role_name = str(role.key) if role is not None else "(no role)"
    return f"{grant.binding} → {role_name}{via} rules[{grant.rule.index}]"


@dataclass(frozen=True, slots=True)
class EscalationPath:
    """A shortest way from a subject, through one of its bindings, to cluster-admin power."""

    subject: Subject
    binding: Binding
    """The binding that allows the first step: what to fix."""
    subject_index: int
    """The entry of the binding's ``subjects`` that names ``subject``."""
    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def describe(self) -> str:
        """The path on one line."""
        return "; ".join(step.describe() for step in self.steps)


class EscalationGraph:
    """Every step any subject of the scan can take, and each node's distance to the goal."""

    def __init__(self, inventory: Inventory) -> None:
        self._index = rbac_index(inventory)
        self._accounts = _known_accounts(inventory, self._index)
        self._pod_accounts = _pod_accounts(inventory)
        self._token_secrets = _token_secrets(inventory)
        self._bound = self._index.subjects()
        self._role_cache: dict[RoleKey, list[tuple[Permission, frozenset[str] | None, int]]] = {}
        self.steps: dict[Node, list[Step]] = defaultdict(list)
        self._build()
        self._next = self._search()

    # ------------------------------------------------------------------ queries

    def distance(self, node: Node) -> int | None:
        """Steps from ``node`` to the goal, ``None`` if it cannot get there."""
        steps = 0
        while node != GOAL:
            step = self._next.get(node)
            if step is None:
                return None
            node, steps = step.target, steps + 1
        return steps

    def path_from(self, node: Node) -> tuple[Step, ...] | None:
        """A shortest path from ``node`` to the goal."""
        path: list[Step] = []
        while node != GOAL:
            step = self._next.get(node)
            if step is None:
                return None
            path.append(step)
            node = step.target
        return tuple(path)

    def accounts_in(self, namespace: str) -> list[Subject]:
        """The ServiceAccounts of ``namespace`` the scan knows of, ``default`` included."""
        return [
            Subject.service_account(namespace, name)
            for name in sorted(self._accounts.get(namespace, ()))
        ]

    def admin_step(self, subject: Subject) -> Step | None:
        """The step by which ``subject`` (or a group it is in) holds cluster-admin power."""
        if subject not in self.steps:
            self.shortest_path(subject)
        for step in self.steps.get(subject, ()):
            if step.target == GOAL:
                return step
            if isinstance(step.target, Subject) and step.grants == ():
                inherited = next(
                    (s for s in self.steps.get(step.target, ()) if s.target == GOAL), None
                )
                if inherited is not None:
                    return inherited
        return None

    def holds_goal(self, subject: Subject) -> bool:
        """Whether the subject's own bindings already give it cluster-admin power."""
        return any(step.target == GOAL for step in self.steps.get(subject, ()))

    def paths(self) -> list[EscalationPath]:
        """For every subject named by a judged binding entry, its shortest path through that binding.

        Subjects that already hold cluster-admin power are left out: theirs is no escalation.
        """
        found = [path for binding in self._index.bindings for path in self.paths_through(binding)]
        return sorted(found, key=lambda p: (len(p), str(p.subject), str(p.binding)))

    def paths_through(self, binding: Binding) -> list[EscalationPath]:
        """Shortest escalation paths whose first step the binding allows, one per subject."""
        found = []
        for index, subject in binding.judged_subjects():
            if self.holds_goal(subject):
                continue
            best: tuple[Step, ...] | None = None
            for step in self.steps.get(subject, ()):
                if not any(grant.binding is binding for grant in step.grants):
                    continue
                rest = self.path_from(step.target)
                if rest is not None and (best is None or len(rest) + 1 < len(best)):
                    best = (step, *rest)
            if best is not None:
                found.append(EscalationPath(subject, binding, index, best))
        return found

    def shortest_path(self, subject: Subject) -> tuple[Step, ...] | None:
        """A shortest path from ``subject`` (through any binding or group), if any."""
        if subject not in self.steps:
            self._add_subject(subject)
            self._next = self._search()
        return self.path_from(subject)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        subjects = set(self._bound)
        for namespace, names in self._accounts.items():
            subjects.update(Subject.service_account(namespace, name) for name in names)
        for subject in sorted(subjects):
            self._add_subject(subject)
        # Impersonation and token steps may lead to subjects no binding names; give them their
        # group memberships too.
        pending = [s.target for steps in list(self.steps.values()) for s in steps]
        while pending:
            target = pending.pop()
            if isinstance(target, Subject) and target not in self.steps:
                self._add_subject(target)
                pending.extend(step.target for step in self.steps[target])
        for namespace, names in self._accounts.items():
            target = AnyAccountOf(namespace)
            for name in sorted(names):
                account = Subject.service_account(namespace, name)
                self.steps[target].append(Step(target, account, f"can run as {account}"))
        self.steps[AnyAccountOf(KUBE_SYSTEM)].append(
            Step(
                AnyAccountOf(KUBE_SYSTEM),
                GOAL,
                "can run as the controller accounts of kube-system, which hold "
                "cluster-admin-equivalent rights",
            )
        )
        for namespace, names in self._pod_accounts.items():
            pods = PodsOf(namespace)
            self.steps[PodsOf("")].append(Step(PodsOf(""), pods, f"includes namespace {namespace}"))
            for name in sorted(names):
                account = Subject.service_account(namespace, name)
                self.steps[pods].append(
                    Step(pods, account, f"reaches a pod that runs as {account} with its token")
                )

    def _add_subject(self, subject: Subject) -> None:
        steps = self.steps[subject]
        for group in subject.groups:
            member_of = Subject.group(group)
            if member_of != subject and (member_of in self._bound or group == MASTERS):
                steps.append(Step(subject, member_of, f"is a member of group {group}"))
        if subject == Subject.group(MASTERS):
            steps.append(Step(subject, GOAL, "passes every authorization check (system:masters)"))
        held: dict[Permission, list[tuple[Grant, frozenset[str] | None]]] = defaultdict(list)
        for binding, index in self._index.bindings_naming(subject):
            if binding.role is None:
                continue
            for permission, names, rule_index in self._capabilities(binding.role):
                grant = Grant(binding, index, subject, binding.role.rules[rule_index])
                held[permission].append((grant, names))
        steps.extend(_steps(subject, held, self))

    def _capabilities(self, role: Role) -> list[tuple[Permission, frozenset[str] | None, int]]:
        """``(permission, names or None for all, rule index)`` for each step-giving rule."""
        cached = self._role_cache.get(role.key)
        if cached is None:
            cached = []
            for rule_index, rule in enumerate(role.rules):
                for permission in _STEP_PERMISSIONS:
                    if permission.in_rule(rule):
                        cached.append((permission, None, rule_index))
                    elif rule.resource_names and (names := permission.names_in(rule)):
                        cached.append((permission, names, rule_index))
            self._role_cache[role.key] = cached
        return cached

    def _search(self) -> dict[Node, Step]:
        """Backwards breadth-first search from the goal: each node's first step on a shortest path."""
        incoming: dict[Node, list[Step]] = defaultdict(list)
        for steps in self.steps.values():
            for step in steps:
                incoming[step.target].append(step)
        following: dict[Node, Step] = {}
        queue: deque[Node] = deque([GOAL])
        reached: set[Node] = {GOAL}
        while queue:
            node = queue.popleft()
            for step in incoming.get(node, ()):
                if step.source not in reached:
                    reached.add(step.source)
                    following[step.source] = step
                    queue.append(step.source)
        return following

    # ------------------------------------------------------------------ targets

    def accounts_named(self, names: Iterable[str], namespace: str | None) -> list[Subject]:
        """The known ServiceAccounts of ``namespace`` (every one for ``None``) with these names."""
        wanted = set(names)
        namespaces = [namespace] if namespace is not None else sorted(self._accounts)
        return [
            Subject.service_account(ns, name)
            for ns in namespaces
            for name in sorted(self._accounts.get(ns, set()) & wanted)
        ]

    def token_owners(
        self, namespace: str | None, secret_names: frozenset[str] | None
    ) -> list[Subject]:
        """Accounts whose token Secret (of those names, or any) lies in ``namespace`` (or any)."""
        return [
            Subject.service_account(ns, account)
            for (ns, secret), account in sorted(self._token_secrets.items())
            if (namespace is None or ns == namespace)
            and (secret_names is None or secret in secret_names)
        ]

    def role_allows_pods(self, name: str, namespace: str) -> bool:
        """Whether the named ClusterRole (or Role of ``namespace``) can create pods."""
        for key in (RoleKey(CLUSTER_ROLE, "", name), RoleKey("Role", namespace, name)):
            role = self._index.roles.get(key)
            if role is not None and any(
                risks.CREATE_PODS.in_rule(rule) or risks.EVERYTHING.in_rule(rule)
                for rule in role.rules
            ):
                return True
        return False


#: Permissions that give a step on their own or together with another.
_STEP_PERMISSIONS: tuple[Permission, ...] = (
    risks.EVERYTHING,
    risks.READ_SECRETS,
    risks.NODE_PROXY,
    risks.IMPERSONATE_USERS,
    risks.IMPERSONATE_GROUPS,
    risks.IMPERSONATE_SERVICE_ACCOUNTS,
    risks.WRITE_AWS_AUTH,
    risks.BIND_CLUSTER_ROLES,
    risks.BIND_ROLES,
    risks.CREATE_CLUSTER_ROLE_BINDINGS,
    risks.CREATE_ROLE_BINDINGS,
    risks.ESCALATE_CLUSTER_ROLES,
    risks.ESCALATE_ROLES,
    risks.WRITE_CLUSTER_ROLES,
    risks.WRITE_ROLES,
    risks.CREATE_CSRS,
    risks.APPROVE_CSRS,
    risks.SIGN_API_CLIENT_CERTS,
    risks.CREATE_PODS,
    risks.CREATE_TOKENS,
    risks.CREATE_SECRETS,
    risks.EXEC_PODS,
)

#: Cluster-wide permissions that are cluster-admin power on their own, and why.
_GOAL_ALONE: tuple[tuple[Permission, str], ...] = (
    (risks.EVERYTHING, "can do anything cluster-wide"),
    (risks.READ_SECRETS, "can read every Secret of the cluster, ServiceAccount tokens included"),
    (risks.NODE_PROXY, "can exec into any pod through the kubelet API (nodes/proxy)"),
    (risks.IMPERSONATE_USERS, "can impersonate any user"),
    (risks.IMPERSONATE_GROUPS, "can impersonate any group, system:masters included"),
)
#: Cluster-wide permission pairs (or triples) that together are cluster-admin power.
_GOAL_TOGETHER: tuple[tuple[tuple[Permission, ...], str], ...] = (
    (
        (risks.BIND_CLUSTER_ROLES, risks.CREATE_CLUSTER_ROLE_BINDINGS),
        "can bind cluster-admin to itself cluster-wide",
    ),
    (
        (risks.ESCALATE_CLUSTER_ROLES, risks.WRITE_CLUSTER_ROLES),
        "can add any permission to ClusterRoles (escalate)",
    ),
    (
        (risks.CREATE_CSRS, risks.APPROVE_CSRS, risks.SIGN_API_CLIENT_CERTS),
        "can issue itself a client certificate for system:masters",
    ),
)
#: Namespaced permissions that give control of every ServiceAccount of the namespace.
_ANY_ACCOUNT_ALONE: tuple[Permission, ...] = (
    risks.CREATE_PODS,
    risks.CREATE_TOKENS,
    risks.IMPERSONATE_SERVICE_ACCOUNTS,
    risks.CREATE_SECRETS,
)
_ANY_ACCOUNT_TOGETHER: tuple[tuple[Permission, ...], ...] = (
    (risks.BIND_ROLES, risks.CREATE_ROLE_BINDINGS),
    (risks.ESCALATE_ROLES, risks.WRITE_ROLES),
)

Held = dict[Permission, list[tuple[Grant, frozenset[str] | None]]]


def _steps(subject: Subject, held: Held, graph: EscalationGraph) -> Iterator[Step]:
    """The steps a subject's own grants allow."""
    for permission, reason in _GOAL_ALONE:
        for grant, names in held.get(permission, ()):
            if grant.namespace is None and names is None:
                yield Step(subject, GOAL, reason, (grant,))
    for grant, names in held.get(risks.WRITE_AWS_AUTH, ()):
        if grant.namespace in (None, KUBE_SYSTEM) and names is None:
            yield Step(
                subject, GOAL, "can map its IAM identity to system:masters in aws-auth", (grant,)
            )
    for permissions, reason in _GOAL_TOGETHER:
        grants = _together(held, permissions, None)
        if grants:
            yield Step(subject, GOAL, reason, grants)
    yield from _named_identity_steps(subject, held, graph)
    namespaces = {grant.namespace or "" for entries in held.values() for grant, _ in entries}
    for namespace in sorted(namespaces):
        yield from _namespace_steps(subject, held, graph, namespace or None)


def _named_identity_steps(subject: Subject, held: Held, graph: EscalationGraph) -> Iterator[Step]:
    for grant, names in held.get(risks.IMPERSONATE_USERS, ()):
        if grant.namespace is None and names is not None:
            for name in sorted(names):
                yield Step(subject, Subject.user(name), f"can impersonate user {name}", (grant,))
    for grant, names in held.get(risks.IMPERSONATE_GROUPS, ()):
        if grant.namespace is None and names is not None:
            for name in sorted(names):
                yield Step(subject, Subject.group(name), f"can impersonate group {name}", (grant,))
    for permission, verb in (
        (risks.CREATE_TOKENS, "can create tokens for"),
        (risks.IMPERSONATE_SERVICE_ACCOUNTS, "can impersonate"),
    ):
        for grant, names in held.get(permission, ()):
            if names is not None:
                for account in graph.accounts_named(names, grant.namespace):
                    yield Step(subject, account, f"{verb} {account}", (grant,))
    for grant, names in held.get(risks.READ_SECRETS, ()):
        if grant.namespace is None and names is None:
            continue  # all Secrets cluster-wide is the goal itself
        for account in graph.token_owners(grant.namespace, names):
            yield Step(subject, account, f"can read the token Secret of {account}", (grant,))


def _namespace_steps(
    subject: Subject, held: Held, graph: EscalationGraph, namespace: str | None
) -> Iterator[Step]:
    """Steps from grants in ``namespace`` (``None``: cluster-wide grants, read as kube-system)."""
    where = f"in namespace {namespace}" if namespace else "in every namespace"
    target = AnyAccountOf(namespace or KUBE_SYSTEM)
    for permission in _ANY_ACCOUNT_ALONE:
        for grant, names in held.get(permission, ()):
            if grant.namespace == namespace and names is None:
                yield Step(subject, target, f"can {permission.title} {where}", (grant,))
    for permissions in _ANY_ACCOUNT_TOGETHER:
        grants = _together(held, permissions, namespace)
        if grants:
            titles = " and ".join(p.title for p in permissions)
            yield Step(subject, target, f"can {titles} {where}", grants)
    binders = _together(held, (risks.CREATE_ROLE_BINDINGS,), namespace)
    if binders and namespace:
        for grant, names in held.get(risks.BIND_ROLES, ()):
            if names is not None and grant.namespace in (None, namespace):
                for role in sorted(names):
                    if graph.role_allows_pods(role, namespace):
                        yield Step(
                            subject,
                            target,
                            f"can bind role {role}, which creates pods, {where}",
                            (grant, *binders),
                        )
    for grant, names in held.get(risks.EXEC_PODS, ()):
        if grant.namespace == namespace and names is None:
            yield Step(
                subject, PodsOf(namespace or ""), f"can {risks.EXEC_PODS.title} {where}", (grant,)
            )


def _together(
    held: Held, permissions: tuple[Permission, ...], namespace: str | None
) -> tuple[Grant, ...]:
    """One unrestricted grant per permission, each applying in ``namespace``; empty if any lacks."""
    chosen: list[Grant] = []
    for permission in permissions:
        grant = next(
            (
                grant
                for grant, names in held.get(permission, ())
                if names is None and grant.namespace in (None, namespace)
            ),
            None,
        )
        if grant is None:
            return ()
        if grant not in chosen:
            chosen.append(grant)
    return tuple(chosen)


def _known_accounts(inventory: Inventory, index: RbacIndex) -> dict[str, set[str]]:
    """ServiceAccounts by namespace: objects, binding subjects, workloads' accounts, ``default``."""
    accounts: dict[str, set[str]] = defaultdict(set)
    for obj in inventory.of_kind("ServiceAccount"):
        accounts[obj.effective_namespace or "default"].add(obj.name)
    for subject in index.subjects():
        if subject.kind is SubjectKind.SERVICE_ACCOUNT:
            accounts[subject.namespace].add(subject.name)
    for namespace, names in _pod_accounts(inventory).items():
        accounts[namespace].update(names)
    # Every namespace has a default account; a namespace exists where any object lives.
    namespaces = {obj.effective_namespace or "" for obj in inventory} | set(accounts)
    namespaces |= {obj.name for obj in inventory.of_kind("Namespace")}
    for namespace in namespaces - {""}:
        accounts[namespace].add(service_accounts.DEFAULT_SERVICE_ACCOUNT)
    return accounts


def _pod_accounts(inventory: Inventory) -> dict[str, set[str]]:
    """Accounts whose token some workload of the scan mounts, by namespace."""
    return inventory.derived(_build_pod_accounts, _build_pod_accounts)


def _build_pod_accounts(inventory: Inventory) -> dict[str, set[str]]:
    accounts: dict[str, set[str]] = defaultdict(set)
    for obj in inventory:
        workload = workload_of(obj, inventory)
        if workload is not None and service_accounts.token_mount(workload, inventory).mounted:
            accounts[workload.namespace].add(service_accounts.service_account_of(workload))
    return accounts


def _token_secrets(inventory: Inventory) -> dict[tuple[str, str], str]:
    """``(namespace, secret) → account`` for every ServiceAccount token Secret of the scan."""
    found = {}
    for secret in inventory.of_kind("Secret"):
        account = as_str(secret.annotations.get(TOKEN_SECRET_ACCOUNT))
        if secret.manifest.get("type") == TOKEN_SECRET_TYPE and account:
            found[(secret.effective_namespace or "default", secret.name)] = account
    return found


def escalation_graph(inventory: Inventory) -> EscalationGraph:
    """The scan's escalation graph, built on first use."""
    return inventory.derived(EscalationGraph, EscalationGraph)
