"""Subjects that create pods cannot run them as a more privileged ServiceAccount.

Whoever may create pods in a namespace, or create or change a Deployment, DaemonSet,
StatefulSet, ReplicaSet, ReplicationController, Job or CronJob there, chooses the pod's
``serviceAccountName`` and so runs code with the token of any ServiceAccount of that namespace.
Granting a CI deployer ``create deployments`` in a namespace where a backup job's account reads
every Secret hands the deployer those Secrets.

A binding fails for a subject when it grants pod or workload creation in a namespace where some
other ServiceAccount the scan knows (from ServiceAccount objects, bindings and pod specs) holds,
through its own bindings, a permission the subject lacks; the finding names that account and the
grant. Creation in every namespace (a ClusterRoleBinding) or in ``kube-system`` always fails: the
controllers' accounts there hold cluster-admin-equivalent rights. KG-IAM-029 follows such steps
to their end.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import (
    BINDINGS,
    granted,
    scope_of,
    subject_violations,
    through,
)
from kubeguard.engines.posture.rbac.escalation import escalation_graph
from kubeguard.engines.posture.rbac.index import Binding, rbac_index
from kubeguard.engines.posture.rbac.risks import KUBE_SYSTEM, RISKS_BY_KEY
from kubeguard.engines.posture.rbac.subjects import Subject
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

CREATE_PODS = RISKS_BY_KEY["create-pods"]


@control(
    id="KG-IAM-005",
    title="Pod creators cannot borrow a more privileged ServiceAccount",
    severity=Severity.MEDIUM,
    remediation=(
        "Move the privileged ServiceAccount's workload to a namespace of its own, or take pod "
        "and workload creation away from the subject (deploy through a controller instead)."
    ),
    refs={"cis-eks": "4.1.4", "mitre": "T1078.004", "kubescape": "C-0188", "trivy": "KSV048"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    index = rbac_index(context.inventory)

    def judge(resolved: Binding, subject: Subject) -> str | None:
        rules = granted(context, resolved, CREATE_PODS)
        if not rules:
            return None
        can = f"{subject} can create pods or workloads {scope_of(resolved)} {through(resolved, rules)}"
        if resolved.namespace in (None, KUBE_SYSTEM):
            return (
                f"{can}, so can run them as the controller accounts of kube-system, which hold "
                "cluster-admin-equivalent rights"
            )
        for account in escalation_graph(context.inventory).accounts_in(resolved.namespace):
            if account == subject:
                continue
            extra = index.unheld_grant(subject, account)
            if extra is not None:
                return (
                    f"{can}, so can run them as {account}, which holds more: "
                    f"{extra.rule.describe()} {extra.scope} via {extra.binding}"
                )
        return None

    yield from subject_violations(binding, context, judge)
