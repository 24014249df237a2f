"""Service-account tokens are mounted only into pods whose account RBAC grants something.

Unless switched off, every pod gets a token for its ServiceAccount. If RBAC grants that account
nothing, the pod has no use for the API and the token only helps an attacker who gets code
execution there: to probe the API server, to test what is allowed, and to be ready the day a
binding is added. The token is mounted when the pod sets ``automountServiceAccountToken: true``,
or leaves it unset and its ServiceAccount does not set it to false (or is not in the scan).
The account "needs the API" when some RoleBinding or ClusterRoleBinding of the scan names it:
as a ServiceAccount subject, as the user ``system:serviceaccount:<ns>:<name>``, or through the
groups ``system:serviceaccounts`` or ``system:serviceaccounts:<ns>``.

Scanning manifests without their RBAC objects, every pod that does not opt out fails: include the
bindings in the scan, or set ``automountServiceAccountToken: false`` where the API is not used.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.service_accounts import (
    AUTOMOUNT_FIELD,
    bindings_of,
    service_account_of,
    token_mount,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IAM-011",
    title="Service-account tokens are mounted only where the API is used",
    severity=Severity.MEDIUM,
    remediation=(
        "Set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount) "
        "for workloads that do not call the Kubernetes API."
    ),
    refs={
        "cis-eks": "4.1.6",
        "mitre": "T1528",
        "kubescape": ("C-0190", "C-0034", "C-0261"),
        "checkov": "CKV_K8S_38",
        "trivy": "KSV036",
        "polaris": "automountServiceAccountToken",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    mount = token_mount(workload, context.inventory)
    if not mount.mounted:
        return
    name = service_account_of(workload)
    if next(bindings_of(context.inventory, workload.namespace, name), None) is not None:
        return
    yield Violation(
        path=workload.path(AUTOMOUNT_FIELD),
        message=(
            f"the service-account token is mounted ({mount.reason}), but no RoleBinding or "
            f"ClusterRoleBinding in the scan grants ServiceAccount {workload.namespace}/{name} "
            "anything"
        ),
        value=workload.field(AUTOMOUNT_FIELD),
    )
