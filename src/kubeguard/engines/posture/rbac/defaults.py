"""What Kubernetes and EKS ship: the default roles a binding may name without the scan holding them.

Charts bind ``view``, ``edit``, ``cluster-admin`` or ``system:auth-delegator`` without shipping
them, because every cluster has them. So that such a binding grants what it grants in a cluster,
the roles below stand in for any the scan lacks; a role of the same name in the scan always wins.
``admin``, ``edit`` and ``view`` are aggregated, as in a cluster, so a scanned ClusterRole labelled
``rbac.authorization.k8s.io/aggregate-to-edit: "true"`` extends the stand-in ``edit`` too. The
rules are those of the current Kubernetes bootstrap policy.

Objects Kubernetes creates itself carry the label ``kubernetes.io/bootstrapping: rbac-defaults``;
EKS names its own ``eks:…``. Controls leave such shipped objects alone unless a subject was added
to a shipped binding that Kubernetes would not have put there (see :func:`is_shipped`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeguard.model import K8sObject

BOOTSTRAP_LABEL = "kubernetes.io/bootstrapping"
BOOTSTRAP_VALUE = "rbac-defaults"
EKS_PREFIX = "eks:"
CLUSTER_ADMIN = "cluster-admin"
AGGREGATE_LABEL = "rbac.authorization.k8s.io/aggregate-to-"

_WRITE = "create delete deletecollection patch update"
_READ = "get list watch"
_ALL_VERBS = "create delete deletecollection get list patch update watch"

#: ``(verbs, apiGroup, resources)`` per rule, words separated by spaces.
_VIEW = (
    (
        _READ,
        "",
        "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods "
        "replicationcontrollers replicationcontrollers/scale serviceaccounts services "
        "services/status bindings events limitranges namespaces/status pods/log pods/status "
        "replicationcontrollers/status resourcequotas resourcequotas/status namespaces",
    ),
    (_READ, "discovery.k8s.io", "endpointslices"),
    (
        _READ,
        "apps",
        "controllerrevisions daemonsets daemonsets/status deployments deployments/scale "
        "deployments/status replicasets replicasets/scale replicasets/status statefulsets "
        "statefulsets/scale statefulsets/status",
    ),
    (_READ, "autoscaling", "horizontalpodautoscalers horizontalpodautoscalers/status"),
    (_READ, "batch", "cronjobs cronjobs/status jobs jobs/status"),
    (
        _READ,
        "extensions",
        "daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses "
        "ingresses/status networkpolicies replicasets replicasets/scale replicasets/status "
        "replicationcontrollers/scale",
    ),
    (_READ, "policy", "poddisruptionbudgets poddisruptionbudgets/status"),
    (_READ, "networking.k8s.io", "ingresses ingresses/status networkpolicies"),
)
_EDIT = (
    (_READ, "", "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy"),
    ("impersonate", "", "serviceaccounts"),
    (_WRITE, "", "pods pods/attach pods/exec pods/portforward pods/proxy"),
    ("create", "", "pods/eviction"),
    (
        _WRITE,
        "",
        "configmaps events persistentvolumeclaims replicationcontrollers "
        "replicationcontrollers/scale secrets serviceaccounts services services/proxy",
    ),
    ("create", "", "serviceaccounts/token"),
    (
        _WRITE,
        "apps",
        "daemonsets deployments deployments/rollback deployments/scale replicasets "
        "replicasets/scale statefulsets statefulsets/scale",
    ),
    (_WRITE, "autoscaling", "horizontalpodautoscalers"),
    (_WRITE, "batch", "cronjobs jobs"),
    (
        _WRITE,
        "extensions",
        "daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies "
        "replicasets replicasets/scale replicationcontrollers/scale",
    ),
    (_WRITE, "policy", "poddisruptionbudgets"),
    (_WRITE, "networking.k8s.io", "ingresses networkpolicies"),
    (_ALL_VERBS, "coordination.k8s.io", "leases"),
)
_ADMIN = (
    ("create", "authorization.k8s.io", "localsubjectaccessreviews"),
    (_ALL_VERBS, "rbac.authorization.k8s.io", "rolebindings roles"),
)


def _rules(rules: tuple[tuple[str, str, str], ...]) -> list[dict[str, Any]]:
    return [
        {"verbs": verbs.split(), "apiGroups": [group], "resources": resources.split()}
        for verbs, group, resources in rules
    ]


def _urls(*urls: str) -> list[dict[str, Any]]:
    return [{"verbs": ["get"], "nonResourceURLs": list(urls)}]


def _cluster_role(
    name: str,
    rules: list[dict[str, Any]],
    *,
    aggregate_to: str = "",
    aggregates: str = "",
) -> dict[str, Any]:
    labels = {BOOTSTRAP_LABEL: BOOTSTRAP_VALUE}
    if aggregate_to:
        labels[AGGREGATE_LABEL + aggregate_to] = "true"
    manifest: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels},
        "rules": rules,
    }
    if aggregates:
        manifest["aggregationRule"] = {
            "clusterRoleSelectors": [{"matchLabels": {AGGREGATE_LABEL + aggregates: "true"}}]
        }
    return manifest


#: Default ClusterRoles by name, as manifests.
DEFAULT_CLUSTER_ROLES: Mapping[str, Mapping[str, Any]] = {
    manifest["metadata"]["name"]: manifest
    for manifest in (
        _cluster_role(
            CLUSTER_ADMIN,
            [
                {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
                {"verbs": ["*"], "nonResourceURLs": ["*"]},
            ],
        ),
        _cluster_role("admin", [], aggregates="admin"),
        _cluster_role("edit", [], aggregates="edit", aggregate_to="admin"),
        _cluster_role("view", [], aggregates="view", aggregate_to="edit"),
        _cluster_role("system:aggregate-to-admin", _rules(_ADMIN), aggregate_to="admin"),
        _cluster_role("system:aggregate-to-edit", _rules(_EDIT), aggregate_to="edit"),
        _cluster_role("system:aggregate-to-view", _rules(_VIEW), aggregate_to="view"),
        _cluster_role(
            "system:auth-delegator",
            _rules(
                (
                    ("create", "authentication.k8s.io", "tokenreviews"),
                    ("create", "authorization.k8s.io", "subjectaccessreviews"),
                )
            ),
        ),
        _cluster_role(
            "system:basic-user",
            _rules(
                (
                    ("create", "authorization.k8s.io", "selfsubjectaccessreviews"),
                    ("create", "authorization.k8s.io", "selfsubjectrulesreviews"),
                    ("create", "authentication.k8s.io", "selfsubjectreviews"),
                )
            ),
        ),
        _cluster_role(
            "system:discovery",
            _urls(
                "/api",
                "/api/*",
                "/apis",
                "/apis/*",
                "/healthz",
                "/livez",
                "/openapi",
                "/openapi/*",
                "/readyz",
                "/version",
                "/version/",
            ),
        ),
        _cluster_role(
            "system:public-info-viewer",
            _urls("/healthz", "/livez", "/readyz", "/version", "/version/"),
        ),
    )
}

#: Default Roles by ``(namespace, name)``, as manifests.
DEFAULT_ROLES: Mapping[tuple[str, str], Mapping[str, Any]] = {
    ("kube-system", "extension-apiserver-authentication-reader"): {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {
            "name": "extension-apiserver-authentication-reader",
            "namespace": "kube-system",
            "labels": {BOOTSTRAP_LABEL: BOOTSTRAP_VALUE},
        },
        "rules": [
            {
                "verbs": ["get", "list", "watch"],
                "apiGroups": [""],
                "resources": ["configmaps"],
                "resourceNames": ["extension-apiserver-authentication"],
            }
        ],
    }
}

#: Default bindings that grant broad groups something on purpose: ``(group, ClusterRole)``.
DEFAULT_BROAD_GRANTS = frozenset(
    {
        ("system:authenticated", "system:basic-user"),
        ("system:authenticated", "system:discovery"),
        ("system:authenticated", "system:public-info-viewer"),
        ("system:unauthenticated", "system:public-info-viewer"),
        ("system:serviceaccounts", "system:service-account-issuer-discovery"),
    }
)


def is_shipped(obj: K8sObject) -> bool:
    """An object Kubernetes (bootstrap label) or EKS (``eks:`` name) put in the cluster."""
    return obj.labels.get(BOOTSTRAP_LABEL) == BOOTSTRAP_VALUE or obj.name.startswith(EKS_PREFIX)
