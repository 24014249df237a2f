"""ConfigMaps are not changed by ordinary subjects.

Workloads trust their ConfigMaps: they hold endpoints, feature flags, scripts and whole
configuration files. Whoever may change them can redirect an application to a server of their
choice or make it run their code at the next restart. In ``kube-system`` they configure cluster
components (CoreDNS, kube-proxy, the VPC CNI); changing ``aws-auth`` itself is KG-IAM-016.

Judged on the binding that grants ``create``, ``update``, ``patch`` or ``delete`` on
ConfigMaps; a rule limited by ``resourceNames`` to named ConfigMaps passes. The default ``edit``
and ``admin`` roles include the permission, so their bindings report here too.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-046",
    title="No changes to ConfigMaps",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove write verbs on configmaps, or limit them with resourceNames to the ConfigMaps "
        "the subject owns."
    ),
    refs={"trivy": "KSV049"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["write-configmaps"]])
