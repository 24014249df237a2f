"""Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.

Dropping everything and adding back only what is needed keeps a compromised process from using
any capability the runtime would otherwise grant (``NET_RAW`` for spoofing, ``DAC_OVERRIDE`` to
ignore file permissions …). Pod Security Standards restricted, from policy v1.22, requires
``capabilities.drop`` to contain ``ALL`` on every container (a container without a
``securityContext`` fails) and allows only ``NET_BIND_SERVICE`` in ``capabilities.add``. From
v1.25 Windows pods are exempt, capabilities being Linux-only.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.controls.pod.capabilities_baseline import (
    added_capability_violations,
)
from kubeguard.engines.posture.pss_fields import container_setters, pss_violation, windows_exempt
from kubeguard.engines.posture.views import WorkloadView, as_list
from kubeguard.model import Severity

REASON = "unrestricted capabilities"
ADDABLE_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})


@control(
    id="KG-POD-005",
    title="Containers drop ALL capabilities and add only NET_BIND_SERVICE",
    severity=Severity.MEDIUM,
    remediation='Set securityContext.capabilities.drop: ["ALL"] on every container and add back '
    "at most NET_BIND_SERVICE.",
    refs={
        "pss": "capabilities_restricted",
        "kubescape": ("C-0201", "C-0199", "C-0055"),
        "checkov": ("CKV_K8S_37", "CKV_K8S_28"),
        "trivy": ("KSV003", "KSV004", "KSV106"),
        "polaris": ("insecureCapabilities", "linuxHardening"),
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if windows_exempt(workload, context):
        return
    for setter in container_setters(workload):
        dropped = as_list(setter.get("capabilities", "drop"))
        if "ALL" not in dropped:
            yield pss_violation(
                REASON,
                f'{setter.label} must set securityContext.capabilities.drop=["ALL"]',
                setter.path("capabilities", "drop"),
                dropped or None,
            )
    yield from added_capability_violations(workload, ADDABLE_CAPABILITIES, REASON)
