"""Which ServiceAccount a pod runs as, whether it gets a token, and whether RBAC grants it anything.

The answers follow the API server: an unset ``serviceAccountName`` means ``default``; the
token is mounted unless the pod, or else its ServiceAccount, sets
``automountServiceAccountToken: false``; and a binding names a ServiceAccount as a
``ServiceAccount`` subject (whose namespace, in a RoleBinding, defaults to the binding's), as the
user ``system:serviceaccount:<ns>:<name>`` or through the groups ``system:serviceaccounts`` and
``system:serviceaccounts:<ns>``.
"""

from __future__ import annotations

from collections import defaultdict
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
    bindings, by_subject = inventory.derived(_bindings_by_subject, _bindings_by_subject)
    keys = (
        ("ServiceAccount", namespace, name),
        ("User", "", f"system:serviceaccount:{namespace}:{name}"),
        ("Group", "", "system:serviceaccounts"),
        ("Group", "", f"system:serviceaccounts:{namespace}"),
    )
    for position in sorted({p for key in keys for p in by_subject.get(key, ())}):
        yield bindings[position]


SubjectKey = tuple[str, str, str]


def _bindings_by_subject(
    inventory: Inventory,
) -> tuple[list[K8sObject], dict[SubjectKey, list[int]]]:
    """Every binding, and the positions of those naming each ``(kind, namespace, name)``.

    Built once per scan, so looking up the bindings of one pod's account does not read every
    binding of the cluster.
    """
    bindings = [binding for kind in BINDING_KINDS for binding in inventory.of_kind(kind)]
    by_subject: dict[SubjectKey, list[int]] = defaultdict(list)
    for position, binding in enumerate(bindings):
        for subject in _subjects(binding):
            key = _subject_key(subject, binding)
            if key is not None:
                by_subject[key].append(position)
    return bindings, by_subject


def _subjects(binding: K8sObject) -> Iterator[Mapping[str, Any]]:
    for subject in as_list(binding.manifest.get("subjects")):
        if isinstance(subject, Mapping):
            yield subject


def _subject_key(subject: Mapping[str, Any], binding: K8sObject) -> SubjectKey | None:
    """``(kind, namespace, name)`` of a binding subject, ``None`` if it names nobody."""
    kind = as_str(subject.get("kind"))
    subject_name = as_str(subject.get("name"))
    if subject_name is None:
        return None
    if kind == "ServiceAccount":
        # Only a RoleBinding lends its own namespace to a subject that leaves it out.
        subject_namespace = as_str(subject.get("namespace")) or binding.effective_namespace
        return (kind, subject_namespace, subject_name) if subject_namespace else None
    if kind in ("User", "Group"):
        return (kind, "", subject_name)
    return None
