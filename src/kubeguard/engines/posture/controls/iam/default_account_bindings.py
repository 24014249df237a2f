"""The default ServiceAccount of a namespace is granted nothing.

Every pod that names no ServiceAccount runs as its namespace's ``default`` account. A role bound
to ``default`` for one application is therefore held by every such pod of the namespace, present
and future, including ones that never needed it. CIS asks that default accounts have no explicit
rights; give the application its own account (KG-IAM-010 reports the pods that use ``default``).

Each binding subject naming a ``default`` ServiceAccount fails, whether as a ServiceAccount
subject or as the user ``system:serviceaccount:<namespace>:default``.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, scope_of, subject_violations
from kubeguard.engines.posture.rbac.index import Binding
from kubeguard.engines.posture.rbac.subjects import Subject, SubjectKind
from kubeguard.engines.posture.service_accounts import DEFAULT_SERVICE_ACCOUNT
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-031",
    title="Default ServiceAccounts are granted nothing",
    severity=Severity.MEDIUM,
    remediation=(
        "Create a ServiceAccount for the application, bind the role to it, set "
        "serviceAccountName in the application's pods, and remove the default account from "
        "the binding."
    ),
    refs={"cis-eks": "4.1.5", "kubescape": "C-0189"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        if subject.kind is not SubjectKind.SERVICE_ACCOUNT:
            return None
        if subject.name != DEFAULT_SERVICE_ACCOUNT:
            return None
        role = str(resolved.role_ref) if resolved.role_ref is not None else "a role"
        return (
            f"{subject} is granted {role} {scope_of(resolved)}: every pod of namespace "
            f"{subject.namespace} that names no ServiceAccount holds it"
        )

    yield from subject_violations(binding, context, judge)
