"""NetworkPolicies, Services and Ingresses are not changed by ordinary subjects.

These objects decide which traffic reaches which pods. Whoever may change them can delete or
widen a NetworkPolicy to open a path the isolation design closed, point a Service's selector at
their own pods to receive another application's traffic, or publish an internal Service to the
internet through an Ingress or a ``LoadBalancer`` Service.

Judged on the binding that grants ``create``, ``update``, ``patch`` or ``delete`` on
NetworkPolicies, Services or Ingresses; the default ``edit`` and ``admin`` roles include
Services and Ingresses, so their bindings report here too.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-045",
    title="No changes to NetworkPolicies, Services or Ingresses",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove write verbs on networkpolicies, services and ingresses; deploy network "
        "configuration through a pipeline."
    ),
    refs={"mitre": "T1599", "trivy": "KSV056"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["write-networking"]])
