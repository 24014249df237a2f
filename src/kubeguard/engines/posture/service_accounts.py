"""Which ServiceAccount a pod runs as, whether it gets a token, and whether RBAC grants it anything.

The answers follow the API server: an unset ``serviceAccountName`` means ``default``; the
token is mounted unless the pod, or else its ServiceAccount, sets
``automountServiceAccountToken: false``; and a binding names a ServiceAccount as a
``ServiceAccount`` subject (whose namespace, in a RoleBinding, defaults to the binding's), as the
user ``system:serviceaccount:<ns>:<name>`` or through the groups ``system:serviceaccounts`` and
``system:serviceaccounts:<ns>``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.views import WorkloadView, as_bool, as_list, as_str, get
from kubeguard.model import Inventory, K8sObject

DEFAULT_SERVICE_ACCOUNT = "default"
AUTOMOUNT_FIELD = "automountServiceAccountToken"
BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")


@dataclass(frozen=True, slots=True)
class TokenMount:
    """Whether a pod gets a service-account token, and which setting decided it."""

    mounted: bool
    reason: str
    """The deciding setting, worded to follow "the token is mounted/not mounted because"."""


def service_account_of(workload: WorkloadView) -> str:
    """The ServiceAccount the pods run as (``default`` when the spec names none)."""
    return workload.service_account_name or DEFAULT_SERVICE_ACCOUNT


def token_mount(workload: WorkloadView, inventory: Inventory) -> TokenMount:
    """Whether the pods get a token: the pod's setting, else their ServiceAccount's, else yes."""
    pod_setting = as_bool(workload.field(AUTOMOUNT_FIELD))
    if pod_setting is not None:
        return TokenMount(
            pod_setting, f"the pod sets {AUTOMOUNT_FIELD}: {str(pod_setting).lower()}"
        )
    name = service_account_of(workload)
    account = inventory.get("ServiceAccount", name, workload.namespace)
    if account is None:
        return TokenMount(
            True,
            f"the pod leaves {AUTOMOUNT_FIELD} unset and ServiceAccount {name!r} "
            "is not in the scan",
        )
    account_setting = as_bool(get(account.manifest, AUTOMOUNT_FIELD))
    if account_setting is not None:
        return TokenMount(
            account_setting,
            f"the pod leaves {AUTOMOUNT_FIELD} unset and ServiceAccount {name!r} sets it to "
            f"{str(account_setting).lower()}",
        )
    return TokenMount(True, f"neither the pod nor ServiceAccount {name!r} sets {AUTOMOUNT_FIELD}")


def bindings_of(inventory: Inventory, namespace: str, name: str) -> Iterator[K8sObject]:
    """RoleBindings and ClusterRoleBindings of the scan that grant ServiceAccount ns/name a role."""
    for kind in BINDING_KINDS:
        for binding in inventory.of_kind(kind):
            if any(_names(subject, binding, namespace, name) for subject in _subjects(binding)):
                yield binding


def _subjects(binding: K8sObject) -> Iterator[Mapping[str, Any]]:
    for subject in as_list(binding.manifest.get("subjects")):
        if isinstance(subject, Mapping):
            yield subject


def _names(subject: Mapping[str, Any], binding: K8sObject, namespace: str, name: str) -> bool:
    """Whether ``subject`` of ``binding`` covers ServiceAccount ``namespace/name``."""
    kind = as_str(subject.get("kind"))
    subject_name = as_str(subject.get("name"))
    if kind == "ServiceAccount":
        # Only a RoleBinding lends its own namespace to a subject that leaves it out.
        subject_namespace = as_str(subject.get("namespace")) or binding.effective_namespace
        return subject_name == name and subject_namespace == namespace
    if kind == "User":
        return subject_name == f"system:serviceaccount:{namespace}:{name}"
    if kind == "Group":
        return subject_name in ("system:serviceaccounts", f"system:serviceaccounts:{namespace}")
    return False
