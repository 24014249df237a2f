"""Containers must set ``allowPrivilegeEscalation: false``.

Unless the flag is explicitly false, ``no_new_privs`` is not set on the container's processes, so
a setuid binary or a file capability can raise a process above its parent's privileges. Pod
Security Standards restricted requires the explicit ``false`` on every container from policy
v1.8; from v1.25 Windows pods (``spec.os.name: windows``) are exempt, the flag being Linux-only.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    required_value_violations,
    windows_exempt,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

ALLOW_PRIVILEGE_ESCALATION = SecurityField(("allowPrivilegeEscalation",))


@control(
    id="KG-POD-003",
    title="Containers disallow privilege escalation",
    severity=Severity.HIGH,
    remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
    refs={
        "pss": "allowPrivilegeEscalation",
        "cis-eks": "4.2.5",
        "kubescape": ("C-0016", "C-0197"),
        "hardeneks": "disallow_privilege_escalation",
        "checkov": "CKV_K8S_20",
        "trivy": "KSV001",
        "polaris": "privilegeEscalationAllowed",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if windows_exempt(workload, context):
        return
    yield from required_value_violations(
        "allowPrivilegeEscalation != false",
        workload,
        ALLOW_PRIVILEGE_ESCALATION,
        lambda value: value is False,
        "false",
        pod_level=False,
    )
