"""No binding names the group system:masters.

Members of ``system:masters`` pass every authorization check before RBAC is consulted, and the
membership comes from credentials (a client certificate, an aws-auth mapping), so no RBAC change
can take it away. Binding the group to a role grants it nothing it lacks; such a binding shows
that the group is in use and is to be replaced, as CIS recommends, by a named group bound to the
roles it needs.

The default ``cluster-admin`` binding Kubernetes creates for the group is not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, subject_violations
from kubeguard.engines.posture.rbac.index import Binding
from kubeguard.engines.posture.rbac.subjects import MASTERS, Subject
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-009",
    title="No bindings to the group system:masters",
    severity=Severity.CRITICAL,
    remediation=(
        "Bind a dedicated administrators' group instead, and issue no credentials (certificates, "
        "aws-auth mappings) that carry system:masters."
    ),
    refs={"kubescape": "C-0246", "trivy": "KSV123"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        if subject != Subject.group(MASTERS):
            return None
        return (
            f"{resolved} names group {MASTERS}, whose members bypass RBAC entirely and cannot "
            "be restricted by it"
        )

    yield from subject_violations(binding, context, judge)
