"""Secrets are not readable by broad groups or anonymous users.

A Secret is only as secret as the widest group that may read it. ``get``, ``list`` or ``watch``
on Secrets granted to ``system:authenticated`` (on EKS every mapped IAM principal),
``system:unauthenticated`` or the user ``system:anonymous`` (anyone who reaches the API),
``system:serviceaccounts`` (every pod of the cluster that mounts a token) or
``system:serviceaccounts:<namespace>`` (every pod of that namespace) exposes every Secret in the
binding's scope to all of them: one compromised pod or one leaked low-privilege credential reads
them all.

Each broad subject of a binding whose role allows reading Secrets without ``resourceNames`` fails,
in any namespace. The finding names the role and rule; the RBAC engine evaluates the grant as the
API server does, so wildcards and aggregated roles count.
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
from kubeguard.engines.posture.rbac.index import Binding
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.rbac.subjects import Subject
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

READ_SECRETS = RISKS_BY_KEY["read-secrets"]


@control(
    id="KG-DATA-020",
    title="Secrets are not readable by broad groups",
    severity=Severity.HIGH,
    remediation=(
        "Bind the Secret-reading role to the ServiceAccounts or groups that need it, not to "
        "system:authenticated, system:serviceaccounts(:<namespace>) or anonymous users."
    ),
    refs={"mitre": "T1552.007", "kubescape": ("C-0015", "C-0265")},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        if not subject.is_broad:
            return None
        rules = granted(context, resolved, READ_SECRETS)
        if not rules:
            return None
        return (
            f"{subject} ({subject.members}) can read Secrets {scope_of(resolved)} "
            f"{through(resolved, rules)}"
        )

    yield from subject_violations(binding, context, judge)
