"""Nobody but cluster administrators may change the aws-auth ConfigMap.

On EKS clusters that authenticate with the ``kube-system/aws-auth`` ConfigMap, its ``mapRoles``
and ``mapUsers`` decide which IAM identity becomes which Kubernetes user and groups. Whoever can
``update`` or ``patch`` it can map an IAM role they control to ``system:masters`` and take the
cluster; a typo there can also lock every administrator out.

A binding fails when its role allows update or patch on ConfigMaps in ``kube-system`` (through a
RoleBinding there or a ClusterRoleBinding), without ``resourceNames`` or with ``aws-auth`` among
them.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-016",
    title="The aws-auth ConfigMap is not writable",
    severity=Severity.CRITICAL,
    remediation=(
        "Remove update/patch on configmaps in kube-system from the role (or exclude aws-auth "
        "with resourceNames), and move cluster access to EKS access entries."
    ),
    refs={"trivy": "KSV115"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["aws-auth"]])
