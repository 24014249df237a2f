"""Small RBAC scans written inline: roles, bindings and subjects as the tests need them."""

from __future__ import annotations

from typing import Any

import yaml

from kubeguard.model import Inventory, K8sObject, SourceLocation

RBAC = "rbac.authorization.k8s.io/v1"
#: The controls the RBAC engine drives.
RBAC_CONTROLS = {
    "KG-IAM-002",
    "KG-IAM-003",
    "KG-IAM-004",
    "KG-IAM-005",
    "KG-IAM-006",
    "KG-IAM-007",
    "KG-IAM-008",
    "KG-IAM-009",
    "KG-IAM-016",
    "KG-IAM-017",
    "KG-IAM-018",
    "KG-IAM-020",
    "KG-IAM-021",
    "KG-IAM-022",
    "KG-IAM-029",
    "KG-IAM-030",
    "KG-IAM-031",
    "KG-DATA-020",
}


def scan(*documents: dict[str, Any] | str) -> Inventory:
    """An inventory of the given manifests (mappings, or YAML text holding one or more)."""
    objects = []
    for document in documents:
        manifests = list(yaml.safe_load_all(document)) if isinstance(document, str) else [document]
        objects += [K8sObject(m, SourceLocation("test.yaml")) for m in manifests if m]
    return Inventory(objects)


def rule(
    verbs: str, resources: str = "", groups: str = "-", names: str = "", urls: str = ""
) -> dict[str, Any]:
    """A policy rule from space-separated words; ``-`` is the core group."""
    entry: dict[str, Any] = {"verbs": verbs.split()}
    if resources:
        entry["resources"] = resources.split()
        entry["apiGroups"] = ["" if g == "-" else g for g in groups.split()]
    if names:
        entry["resourceNames"] = names.split()
    if urls:
        entry["nonResourceURLs"] = urls.split()
    return entry


def role(
    name: str,
    *rules: dict[str, Any],
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    aggregate: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A Role (with ``namespace``) or ClusterRole."""
    manifest: dict[str, Any] = {
        "apiVersion": RBAC,
        "kind": "Role" if namespace else "ClusterRole",
        "metadata": _metadata(name, namespace, labels),
        "rules": list(rules),
    }
    if aggregate is not None:
        manifest["aggregationRule"] = {"clusterRoleSelectors": aggregate}
    return manifest


def subject(text: str, namespace: str | None = None) -> dict[str, Any]:
    """``user:alice``, ``group:devs`` or ``sa:name`` as a binding subject entry."""
    kind, _, name = text.partition(":")
    if kind == "sa":
        entry = {"kind": "ServiceAccount", "name": name}
        return entry | ({"namespace": namespace} if namespace else {})
    return {"kind": kind.capitalize(), "name": name, "apiGroup": "rbac.authorization.k8s.io"}


def binding(
    name: str,
    role_name: str,
    *subjects: dict[str, Any],
    namespace: str | None = None,
    role_kind: str = "ClusterRole",
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A RoleBinding (with ``namespace``) or ClusterRoleBinding."""
    return {
        "apiVersion": RBAC,
        "kind": "RoleBinding" if namespace else "ClusterRoleBinding",
        "metadata": _metadata(name, namespace, labels),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
        "subjects": list(subjects),
    }


def _metadata(name: str, namespace: str | None, labels: dict[str, str] | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    if labels:
        metadata["labels"] = labels
    return metadata
