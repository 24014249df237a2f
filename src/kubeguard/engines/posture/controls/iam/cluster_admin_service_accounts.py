"""Service accounts and broad groups never hold cluster-admin.

A ServiceAccount's token sits in every pod that runs as it: whoever gets code execution in one
of those pods, through an application bug or a compromised image, holds what the account holds.
With ``cluster-admin`` (or any role granting ``*`` verbs on ``*`` resources in ``*`` groups)
that is the whole cluster, or with a RoleBinding the whole namespace. A namespace's ``default``
ServiceAccount is worse still: every pod that names no account runs as it. Broad groups
(``system:authenticated``, ``system:unauthenticated``, ``system:serviceaccounts``,
``system:serviceaccounts:<namespace>``) and the ``system:anonymous`` user hand the power to
everyone in them; on EKS every IAM principal mapped into the cluster is ``system:authenticated``.

Each such subject of a binding to an everything-role fails. Operators that truly need broad
rights (GitOps controllers) should get a role listing the resources they manage instead.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, admin_grant, subject_violations
from kubeguard.engines.posture.rbac.index import Binding
from kubeguard.engines.posture.rbac.subjects import Subject, SubjectKind
from kubeguard.engines.posture.service_accounts import DEFAULT_SERVICE_ACCOUNT
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-030",
    title="Service accounts and broad groups do not hold cluster-admin",
    severity=Severity.CRITICAL,
    remediation=(
        "Replace the binding with a role that lists only the resources and verbs the workload "
        "needs; never bind cluster-admin to a ServiceAccount, a default account or a broad group."
    ),
    refs={"mitre": "T1078.004", "kubescape": ("C-0035", "C-0272"), "trivy": "KSV111"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        is_account = subject.kind is SubjectKind.SERVICE_ACCOUNT
        if not (is_account or subject.is_broad):
            return None
        grant = admin_grant(context, resolved)
        if not grant:
            return None
        if is_account and subject.name == DEFAULT_SERVICE_ACCOUNT:
            who = f"{subject}, which every pod of the namespace naming no account runs as,"
        elif is_account:
            who = str(subject)
        else:
            who = f"{subject} ({subject.members})"
        return f"{who} {grant}"

    yield from subject_violations(binding, context, judge)
