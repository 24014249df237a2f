"""cluster-admin is bound only where it is required.

``cluster-admin`` allows every verb on every resource: whoever holds it through a
ClusterRoleBinding controls the cluster, and through a RoleBinding controls the namespace,
its Secrets and every ServiceAccount in it. The same goes for any role whose rules grant
``*`` verbs on ``*`` resources in ``*`` groups, whatever its name. Administrators should reach
it through a group kept for them, used rarely, rather than standing grants to people.

This control fails each user or group a binding of such a role names. The Kubernetes default
binding of ``system:masters`` is not judged, and other bindings of ``system:masters`` are
KG-IAM-009's. ServiceAccounts and broad groups (``system:authenticated``, all service
accounts …) holding it are reported by KG-IAM-030, with a higher severity, instead of here.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, admin_grant, subject_violations
from kubeguard.engines.posture.rbac.index import Binding
from kubeguard.engines.posture.rbac.subjects import MASTERS, Subject, SubjectKind
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-002",
    title="cluster-admin is bound only where required",
    severity=Severity.HIGH,
    remediation=(
        "Bind a role with the permissions the subject needs instead of cluster-admin, and keep "
        "cluster-admin for an administrators' group used for break-glass access."
    ),
    refs={
        "cis-eks": "4.1.1",
        "kubescape": ("C-0185", "C-0035"),
        "polaris": ("clusterrolebindingClusterAdmin", "rolebindingClusterAdminClusterRole"),
        "trivy": "KSV111",
    },
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        if subject.kind is SubjectKind.SERVICE_ACCOUNT or subject.is_broad:
            return None
        if subject == Subject.group(MASTERS):
            return None
        grant = admin_grant(context, resolved)
        return f"{subject} {grant}" if grant else None

    yield from subject_violations(binding, context, judge)
