"""Permissions that matter for security, as patterns of API requests.

A :class:`Permission` is a set of alternative requests (``get``, ``list`` or ``watch`` on
``secrets``); a rule grants it when it allows one of them, judged by the authorizer's own
matching (:mod:`~kubeguard.engines.posture.rbac.rules`), so wildcards, ``*/subresource`` and
``resourceNames`` count exactly as in a cluster. A rule restricted by ``resourceNames`` grants the
permission only for those names (:meth:`Permission.names_in`).

A :class:`Risk` is what a control or ``kubeguard rbac subject`` calls out: one or more
permissions that together give an attacker something, and where a grant must apply for it to
count. The escalation graph and the controls read the same definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kubeguard.engines.posture.rbac.rules import ALL, Request, Rule

RBAC_GROUP = "rbac.authorization.k8s.io"
CERTIFICATES_GROUP = "certificates.k8s.io"
ADMISSION_GROUP = "admissionregistration.k8s.io"
EVENTS_GROUP = "events.k8s.io"
NETWORKING_GROUP = "networking.k8s.io"
KUBE_SYSTEM = "kube-system"
AWS_AUTH = "aws-auth"
API_SERVER_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client"


def requests(verbs: str, resources: str, group: str = "", name: str = "") -> tuple[Request, ...]:
    """Every verb-resource request of the space-separated lists, in ``group``."""
    found = []
    for verb in verbs.split():
        for combined in resources.split():
            resource, _, subresource = combined.partition("/")
            found.append(Request(verb, resource, subresource, group, name))
    return tuple(found)


@dataclass(frozen=True, slots=True, eq=False)
class Permission:
    """Alternative requests; granting any one of them grants the permission."""

    title: str
    requests: tuple[Request, ...]
    verbs: frozenset[str] = field(init=False)
    """The verbs of :attr:`requests`: a rule with none of them (and no ``*``) grants nothing."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "verbs", frozenset(request.verb for request in self.requests))

    def in_rule(self, rule: Rule) -> bool:
        """Whether ``rule`` grants this for every object name (no ``resourceNames`` limit)."""
        # Most rules read (get, list, watch) while most risks write: rejecting on the verbs
        # first spares matching every request against every rule of every role.
        if ALL not in rule.verbs and rule.verbs.isdisjoint(self.verbs):
            return False
        return any(rule.allows(request) for request in self.requests)

    def names_in(self, rule: Rule) -> frozenset[str]:
        """The object names ``rule`` grants this for, when its ``resourceNames`` limit it."""
        return frozenset(
            name
            for name in rule.resource_names
            if any(rule.allows(replace(request, name=name)) for request in self.requests)
        )


#: Read the contents of Secrets (``list`` and ``watch`` return them too).
READ_SECRETS = Permission("read Secrets", requests("get list watch", "secrets"))
#: Start pods, directly or through a workload controller, as any ServiceAccount of the namespace.
CREATE_PODS = Permission(
    "create pods or workloads",
    requests("create", "pods")
    + requests("create update patch", "deployments daemonsets statefulsets replicasets", "apps")
    + requests("create update patch", "replicationcontrollers")
    + requests("create update patch", "jobs cronjobs", "batch"),
)
#: Run commands in running pods (``get`` still opens exec streams on older API servers).
EXEC_PODS = Permission(
    "exec into, attach to or add ephemeral containers to pods",
    requests("create get", "pods/exec pods/attach")
    + requests("update patch", "pods/ephemeralcontainers"),
)
PORT_FORWARD = Permission("port-forward to pods", requests("create get", "pods/portforward"))
CREATE_TOKENS = Permission(
    "create ServiceAccount tokens", requests("create", "serviceaccounts/token")
)
CREATE_SECRETS = Permission("create Secrets", requests("create", "secrets"))
IMPERSONATE_SERVICE_ACCOUNTS = Permission(
    "impersonate ServiceAccounts", requests("impersonate", "serviceaccounts")
)
IMPERSONATE_USERS = Permission("impersonate users", requests("impersonate", "users"))
IMPERSONATE_GROUPS = Permission("impersonate groups", requests("impersonate", "groups"))
IMPERSONATE_UIDS = Permission(
    "impersonate user ids", requests("impersonate", "uids", "authentication.k8s.io")
)
BIND_ROLES = Permission("bind roles", requests("bind", "roles clusterroles", RBAC_GROUP))
BIND_CLUSTER_ROLES = Permission("bind ClusterRoles", requests("bind", "clusterroles", RBAC_GROUP))
ESCALATE_ROLES = Permission(
    "escalate roles", requests("escalate", "roles clusterroles", RBAC_GROUP)
)
ESCALATE_CLUSTER_ROLES = Permission(
    "escalate ClusterRoles", requests("escalate", "clusterroles", RBAC_GROUP)
)
WRITE_ROLES = Permission("update roles", requests("update patch", "roles", RBAC_GROUP))
WRITE_CLUSTER_ROLES = Permission(
    "update ClusterRoles", requests("update patch", "clusterroles", RBAC_GROUP)
)
CREATE_ROLE_BINDINGS = Permission(
    "create RoleBindings", requests("create", "rolebindings", RBAC_GROUP)
)
CREATE_CLUSTER_ROLE_BINDINGS = Permission(
    "create ClusterRoleBindings", requests("create", "clusterrolebindings", RBAC_GROUP)
)
NODE_PROXY = Permission(
    "reach the kubelet API through nodes/proxy", requests("get create", "nodes/proxy")
)
CREATE_CSRS = Permission(
    "create CertificateSigningRequests",
    requests("create", "certificatesigningrequests", CERTIFICATES_GROUP),
)
APPROVE_CSRS = Permission(
    "approve CertificateSigningRequests",
    requests("update patch", "certificatesigningrequests/approval", CERTIFICATES_GROUP),
)
SIGN_API_CLIENT_CERTS = Permission(
    "sign API-server client certificates",
    requests("approve", "signers", CERTIFICATES_GROUP, API_SERVER_CLIENT_SIGNER)
    + requests("approve", "signers", CERTIFICATES_GROUP, "kubernetes.io/*"),
)
WRITE_ADMISSION = Permission(
    "change admission webhooks or policies",
    requests(
        "create update patch delete",
        "mutatingwebhookconfigurations validatingwebhookconfigurations "
        "validatingadmissionpolicies validatingadmissionpolicybindings "
        "mutatingadmissionpolicies mutatingadmissionpolicybindings",
        ADMISSION_GROUP,
    ),
)
WRITE_AWS_AUTH = Permission(
    "change the aws-auth ConfigMap",
    requests("update patch", "configmaps", name=AWS_AUTH),
)
#: A PersistentVolume can be a ``hostPath`` volume: any node directory, for whoever claims it.
CREATE_PERSISTENT_VOLUMES = Permission(
    "create PersistentVolumes", requests("create", "persistentvolumes")
)
#: Remove the record of what happened: Events of both API groups, and pod logs.
DELETE_EVENTS = Permission(
    "delete events or pod logs",
    requests("delete deletecollection", "events pods/log")
    + requests("delete deletecollection", "events", EVENTS_GROUP),
)
#: Take applications and their data down.
DELETE_WORKLOADS = Permission(
    "delete workloads, Services or volume claims",
    requests("delete deletecollection", "pods services persistentvolumeclaims")
    + requests("delete deletecollection", "deployments daemonsets statefulsets replicasets", "apps")
    + requests("delete deletecollection", "jobs cronjobs", "batch"),
)
#: Hand one's own permissions to anyone, or take other subjects' permissions away.
WRITE_RBAC = Permission(
    "change roles or role bindings",
    requests(
        "create update patch delete",
        "roles rolebindings clusterroles clusterrolebindings",
        RBAC_GROUP,
    ),
)
#: Open or close traffic paths: policies, Services, Ingresses.
WRITE_NETWORKING = Permission(
    "change NetworkPolicies, Services or Ingresses",
    requests("create update patch delete", "networkpolicies ingresses", NETWORKING_GROUP)
    + requests("create update patch delete", "services"),
)
#: Change configuration that workloads read (and, in kube-system, cluster components).
WRITE_CONFIGMAPS = Permission(
    "change ConfigMaps", requests("create update patch delete", "configmaps")
)
#: Read the aws-auth ConfigMap: which IAM roles and users are mapped to which groups.
READ_AWS_AUTH = Permission(
    "read the aws-auth ConfigMap",
    requests("get", "configmaps", name=AWS_AUTH) + requests("list watch", "configmaps"),
)
#: Every verb on every resource of every group: what ``cluster-admin`` grants.
EVERYTHING = Permission("do anything (every verb on every resource)", (Request(ALL, ALL, "", ALL),))


@dataclass(frozen=True, slots=True)
class Risk:
    """Permissions that together put the cluster at risk, and where a grant must apply."""

    key: str
    title: str
    requirements: tuple[Permission, ...]
    """All of these, each by some rule."""
    cluster_only: bool = False
    """Only cluster-wide grants count (the resources are cluster-scoped)."""
    namespace: str | None = None
    """Only grants in this namespace (or cluster-wide) count."""
    control: str = ""
    """The control that reports it on bindings."""

    def applies_in(self, namespace: str | None) -> bool:
        """Whether a grant in ``namespace`` (``None``: cluster-wide) can give this risk."""
        if namespace is None:
            return True
        if self.cluster_only:
            return False
        return self.namespace is None or namespace == self.namespace

    def rules_granting(self, rules: Sequence[Rule]) -> tuple[Rule, ...]:
        """The rules that together grant every requirement; empty when some requirement lacks."""
        found: list[Rule] = []
        for requirement in self.requirements:
            rule = next((r for r in rules if requirement.in_rule(r)), None)
            if rule is None:
                return ()
            if rule not in found:
                found.append(rule)
        return tuple(found)


def _risk(
    key: str,
    control: str,
    *requirements: Permission,
    cluster_only: bool = False,
    namespace: str | None = None,
) -> Risk:
    title = " and ".join(requirement.title for requirement in requirements)
    return Risk(key, title, requirements, cluster_only, namespace, control)


RISKS: tuple[Risk, ...] = (
    _risk("everything", "KG-IAM-002", EVERYTHING),
    _risk("read-secrets", "KG-IAM-004", READ_SECRETS),
    _risk("create-pods", "KG-IAM-005", CREATE_PODS),
    _risk("exec-pods", "KG-IAM-006", EXEC_PODS),
    _risk("port-forward", "KG-IAM-006", PORT_FORWARD),
    _risk("escalate", "KG-IAM-007", ESCALATE_ROLES),
    _risk("bind", "KG-IAM-007", BIND_ROLES),
    _risk("impersonate-users", "KG-IAM-007", IMPERSONATE_USERS, cluster_only=True),
    _risk("impersonate-groups", "KG-IAM-007", IMPERSONATE_GROUPS, cluster_only=True),
    _risk("impersonate-uids", "KG-IAM-007", IMPERSONATE_UIDS, cluster_only=True),
    _risk("impersonate-service-accounts", "KG-IAM-007", IMPERSONATE_SERVICE_ACCOUNTS),
    _risk("aws-auth", "KG-IAM-016", WRITE_AWS_AUTH, namespace=KUBE_SYSTEM),
    _risk("admission", "KG-IAM-017", WRITE_ADMISSION, cluster_only=True),
    _risk("node-proxy", "KG-IAM-018", NODE_PROXY, cluster_only=True),
    _risk("create-tokens", "KG-IAM-020", CREATE_TOKENS),
    _risk("approve-csrs", "KG-IAM-021", APPROVE_CSRS, SIGN_API_CLIENT_CERTS, cluster_only=True),
    _risk("create-volumes", "KG-IAM-019", CREATE_PERSISTENT_VOLUMES, cluster_only=True),
    _risk("delete-events", "KG-IAM-023", DELETE_EVENTS),
    _risk("delete-workloads", "KG-IAM-023", DELETE_WORKLOADS),
    _risk("write-rbac", "KG-IAM-024", WRITE_RBAC),
    _risk("write-networking", "KG-IAM-045", WRITE_NETWORKING),
    _risk("write-configmaps", "KG-IAM-046", WRITE_CONFIGMAPS),
    _risk("read-aws-auth", "KG-IAM-047", READ_AWS_AUTH, namespace=KUBE_SYSTEM),
)
RISKS_BY_KEY = {risk.key: risk for risk in RISKS}
