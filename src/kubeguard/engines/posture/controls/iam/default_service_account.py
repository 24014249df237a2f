"""Workloads run as a ServiceAccount of their own, not the namespace's ``default``.

Every namespace has a ServiceAccount named ``default``, and every pod that names no other runs as
it. Anything granted to that account (a RoleBinding added for one application, a cloud IAM role
attached to it) is then shared by every such pod in the namespace, and audit logs cannot tell
them apart. A dedicated ServiceAccount per workload keeps permissions and identity scoped to it.

This control judges pod specs: an unset, empty or ``default`` ``serviceAccountName``. The
``default`` ServiceAccount objects themselves, which should not hand out tokens, are judged by
KG-IAM-028: a control has one kind of subject, and a pod spec and a ServiceAccount are two.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.service_accounts import DEFAULT_SERVICE_ACCOUNT
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IAM-010",
    title="Workloads do not use the default ServiceAccount",
    severity=Severity.MEDIUM,
    remediation=(
        "Create a ServiceAccount for the workload, grant it only what the workload needs, and "
        "set spec.serviceAccountName to it."
    ),
    refs={"cis-eks": "4.1.5", "kubescape": "C-0189"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    name = workload.service_account_name
    if name and name != DEFAULT_SERVICE_ACCOUNT:
        return
    how = "serviceAccountName is unset" if not name else "serviceAccountName is 'default'"
    yield Violation(
        path=workload.path("serviceAccountName"),
        message=f"pods run as the namespace's default ServiceAccount ({how})",
        value=name,
    )
