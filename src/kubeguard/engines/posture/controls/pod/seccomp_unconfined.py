"""Pods and containers must not turn seccomp off.

Seccomp filters the system calls a container may make; the runtime's default profile blocks the
calls most kernel exploits and container escapes rely on. ``seccompProfile.type: Unconfined``
on the pod or a container, or the legacy annotations
``seccomp.security.alpha.kubernetes.io/pod: unconfined`` and
``container.seccomp.security.alpha.kubernetes.io/<container>: unconfined``, remove that filter.
This is an explicit choice to weaken the pod, so kubeguard flags it at every Pod Security
Standards level, including privileged where the PSS seccomp checks (KG-POD-012, KG-POD-013) do
not apply, and whatever policy version would still read the annotations.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import SecurityField
from kubeguard.engines.posture.security_contexts import ConfinementProfile, unconfined_violations
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

SECCOMP = ConfinementProfile(
    name="seccomp",
    field=SecurityField(("seccompProfile", "type")),
    annotation_prefixes=(
        "seccomp.security.alpha.kubernetes.io/pod",
        "container.seccomp.security.alpha.kubernetes.io/",
    ),
)


@control(
    id="KG-POD-032",
    title="Seccomp is not explicitly unconfined",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove the Unconfined seccomp profile and the unconfined annotations; set "
        "spec.securityContext.seccompProfile.type: RuntimeDefault, or a Localhost profile that "
        "allows the extra calls the workload needs."
    ),
    refs={"trivy": "KSV104"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    return unconfined_violations(workload, SECCOMP)
