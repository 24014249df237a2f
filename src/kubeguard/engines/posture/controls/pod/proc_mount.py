"""Containers must keep the default masked /proc mount.

The container runtime masks and makes read-only the parts of ``/proc`` that reveal or control the
node (``/proc/kcore``, ``/proc/sys`` …). ``procMount: Unmasked`` removes those masks. Pod Security
Standards baseline allows only ``Default`` (or unset). From policy v1.35 a pod with
``spec.hostUsers: false`` may use any value, its ``/proc`` belonging to its own user namespace;
restricted replaces this check from v1.35 with KG-POD-030, which grants no such relaxation.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    forbidden_value_violations,
    user_namespace_relaxed,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

PROC_MOUNT = SecurityField(("procMount",))


def unmasked_proc_mounts(workload: WorkloadView) -> Iterator[Violation]:
    """A violation for each container whose ``procMount`` is set to anything but ``Default``."""
    yield from forbidden_value_violations(
        "procMount", workload, PROC_MOUNT, lambda value: value == "Default", pod_level=False
    )


@control(
    id="KG-POD-011",
    title="Containers keep the default /proc mount",
    severity=Severity.MEDIUM,
    remediation="Remove securityContext.procMount or set it to Default.",
    refs={"pss": "procMount", "trivy": "KSV027", "polaris": "procMount"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if user_namespace_relaxed(workload, context):
        return
    yield from unmasked_proc_mounts(workload)
