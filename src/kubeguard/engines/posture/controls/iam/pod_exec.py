"""Exec, attach and port-forward into pods are not granted.

``create`` on ``pods/exec`` or ``pods/attach`` runs commands inside a running container: the
subject gets that container's files, network position and mounted ServiceAccount token.
``pods/ephemeralcontainers`` adds a debugging container to a running pod, with a security context
of the subject's choice. ``pods/portforward`` opens a tunnel to ports the pod never exposed. All
of them bypass the image, admission and network controls the workload was deployed with. ``get``
counts too: API servers before 1.30 authorize exec and attach streams opened over WebSocket
with ``get``.

Judged on the binding that grants them, anywhere; people who debug production should get these
through a short-lived, audited binding, not a standing one.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-006",
    title="No exec, attach or port-forward into pods",
    severity=Severity.HIGH,
    remediation=(
        "Remove pods/exec, pods/attach, pods/portforward and pods/ephemeralcontainers from the "
        "role, or grant them only through a temporary binding for an incident."
    ),
    refs={
        "mitre": "T1609",
        "kubescape": ("C-0002", "C-0063"),
        "polaris": ("clusterrolePodExecAttach", "rolePodExecAttach"),
        "trivy": ("KSV053", "KSV054"),
    },
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(
        binding, context, [RISKS_BY_KEY["exec-pods"], RISKS_BY_KEY["port-forward"]]
    )
