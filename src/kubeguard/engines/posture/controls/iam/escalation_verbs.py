"""The escalate, bind and impersonate verbs are not granted.

RBAC stops a subject from granting permissions it does not hold, unless it holds ``escalate``
(create or change roles beyond its own rights) or ``bind`` (bind roles it does not hold) on the
role. ``impersonate`` on users, groups, user ids or ServiceAccounts lets a subject send requests
as anyone it names, ``system:masters`` members included. Each of these turns a modest grant into
whatever the cluster's most powerful identity may do.

Judged on the binding that grants the verb. Impersonation of users, groups and uids is
cluster-scoped and so counted only when a ClusterRoleBinding grants it; impersonation of
ServiceAccounts counts in any namespace. The default ``edit`` and ``admin`` roles allow
impersonating the namespace's ServiceAccounts, so bindings of those report here too.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

RISKS = [
    RISKS_BY_KEY[key]
    for key in (
        "escalate",
        "bind",
        "impersonate-users",
        "impersonate-groups",
        "impersonate-uids",
        "impersonate-service-accounts",
    )
]


@control(
    id="KG-IAM-007",
    title="No escalate, bind or impersonate",
    severity=Severity.HIGH,
    remediation=(
        "Remove the escalate, bind and impersonate verbs (and wildcards that include them) from "
        "the role; give RBAC management to a small administrators' group only."
    ),
    refs={
        "cis-eks": "4.1.8",
        "mitre": "T1078",
        "kubescape": ("C-0191", "C-0065"),
        "checkov": ("CKV_K8S_157", "CKV_K8S_158"),
        "trivy": ("KSV043", "KSV050", "KSV051", "KSV052", "KSV055"),
    },
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, RISKS)
