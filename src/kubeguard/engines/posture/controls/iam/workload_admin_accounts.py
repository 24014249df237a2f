"""Workloads do not run as a ServiceAccount with cluster-admin power.

A pod's ServiceAccount token is readable by every process in the pod. If the account can do
anything cluster-wide, read every Secret, reach every kubelet through ``nodes/proxy``,
impersonate anyone, bind or escalate ClusterRoles, or rewrite ``aws-auth``, then remote code
execution in that one pod, through the application or a compromised image, is a cluster
takeover.

A workload fails when its pods mount the token (the pod and its ServiceAccount leave
``automountServiceAccountToken`` on) of an account that holds such a permission through its own
bindings or a group it is in. The message names the binding and rule; the fix is usually in the
binding (KG-IAM-030 and KG-IAM-004 report those too), but this finding shows which pods carry the
power.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.escalation import escalation_graph
from kubeguard.engines.posture.rbac.subjects import Subject
from kubeguard.engines.posture.service_accounts import service_account_of, token_mount
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IAM-022",
    title="Workloads do not run as cluster-admin-equivalent accounts",
    severity=Severity.HIGH,
    remediation=(
        "Give the workload a ServiceAccount with only the permissions it uses, or set "
        "automountServiceAccountToken: false if it does not call the API."
    ),
    refs={"mitre": "T1528", "kubescape": ("C-0267", "C-0272")},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if not token_mount(workload, context.inventory).mounted:
        return
    account = Subject.service_account(workload.namespace, service_account_of(workload))
    step = escalation_graph(context.inventory).admin_step(account)
    if step is None:
        return
    holder = "" if step.source == account else f" as a member of {step.source}"
    yield Violation(
        path=workload.path("serviceAccountName"),
        message=(f"pods run with the token of {account}, which{holder} {step.describe()}"),
        value=workload.service_account_name,
    )
