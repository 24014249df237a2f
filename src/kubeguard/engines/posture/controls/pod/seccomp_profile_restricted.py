"""Pods must run every container under the RuntimeDefault or a Localhost seccomp profile.

Kubernetes runs containers Unconfined unless a profile is asked for, so the runtime default
syscall filter only protects pods that request it. Pod Security Standards restricted, from policy
v1.19, requires ``securityContext.seccompProfile.type`` to be ``RuntimeDefault`` or ``Localhost``
at pod level, or else on every container, and no explicit other value anywhere. From v1.25 Windows
pods are exempt, seccomp being Linux-only.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.controls.pod.seccomp_profile_baseline import (
    REASON,
    SECCOMP_PROFILE_TYPE,
    VALID_PROFILE_TYPES,
)
from kubeguard.engines.posture.pss_fields import (
    one_of,
    required_value_violations,
    windows_exempt,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-013",
    title="Seccomp RuntimeDefault or Localhost is set",
    severity=Severity.MEDIUM,
    remediation="Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost).",
    refs={
        "pss": "seccompProfile_restricted",
        "kubescape": ("C-0210", "C-0055"),
        "checkov": "CKV_K8S_31",
        "trivy": "KSV030",
        "polaris": "linuxHardening",
        "kube-score": "container-seccomp-profile",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if windows_exempt(workload, context):
        return
    yield from required_value_violations(
        REASON,
        workload,
        SECCOMP_PROFILE_TYPE,
        one_of(VALID_PROFILE_TYPES),
        "'RuntimeDefault' or 'Localhost'",
    )
