"""Roles and role bindings are not changed by ordinary subjects.

Whoever may create or change roles and bindings decides who holds which permissions. RBAC's
escalation check keeps them from granting more than they hold themselves, but within that they
can hand their own access to any subject (a ServiceAccount an attacker controls, or
``system:authenticated``), plant a binding that outlives their own access, or delete the
bindings other people depend on. Any of these is persistence or denial of service through
the authorization system itself.

Judged on the binding that grants ``create``, ``update``, ``patch`` or ``delete`` on Roles,
RoleBindings, ClusterRoles or ClusterRoleBindings; the default ``admin`` role grants it in its
namespace, so its bindings report here too. ``bind`` and ``escalate`` are KG-IAM-007.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-024",
    title="No changes to roles or role bindings",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove write verbs on roles, rolebindings, clusterroles and clusterrolebindings; manage "
        "RBAC from version control through a deployment pipeline."
    ),
    refs={"mitre": "T1098", "trivy": "KSV050"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["write-rbac"]])
