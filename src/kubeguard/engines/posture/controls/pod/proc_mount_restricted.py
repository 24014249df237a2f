"""Containers must keep the default masked /proc mount, even in a user namespace.

The restricted counterpart of KG-POD-011: from policy v1.35 Pod Security Standards restricted
replaces the baseline procMount check with this one, which forbids any ``procMount`` other than
``Default`` whether or not the pod runs with ``spec.hostUsers: false``. An unmasked ``/proc`` is
still more kernel surface than a restricted workload needs.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.controls.pod.proc_mount import unmasked_proc_mounts
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-030",
    title="Containers keep the default /proc mount (restricted)",
    severity=Severity.MEDIUM,
    remediation="Remove securityContext.procMount or set it to Default.",
    refs={"pss": "procMount_restricted", "trivy": "KSV027", "polaris": "procMount"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from unmasked_proc_mounts(workload)
