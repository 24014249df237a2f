"""Containers must not add Linux capabilities beyond the container runtime's default set.

Capabilities such as ``SYS_ADMIN``, ``NET_ADMIN``, ``SYS_PTRACE`` or ``NET_RAW`` each hand a
container part of root's power over the node (mounting filesystems, reconfiguring networking,
inspecting other processes, spoofing packets). Pod Security Standards baseline allows
``capabilities.add`` to name only the thirteen capabilities container runtimes grant by default;
names are compared exactly, so ``ALL``, lower-case names and ``CAP_``-prefixed names fail.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import container_setters, one_of, pss_violation, shown
from kubeguard.engines.posture.views import WorkloadView, as_list
from kubeguard.model import Severity

#: What PSS baseline lets a container add: the default capability set of container runtimes.
DEFAULT_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)


def added_capability_violations(
    workload: WorkloadView, allowed: frozenset[str], reason: str
) -> Iterator[Violation]:
    """One violation per container whose ``capabilities.add`` names anything outside ``allowed``."""
    is_allowed = one_of(allowed)
    for setter in container_setters(workload):
        added = as_list(setter.get("capabilities", "add"))
        forbidden = [capability for capability in added if not is_allowed(capability)]
        if forbidden:
            yield pss_violation(
                reason,
                f"{setter.label} must not include {shown(forbidden)} "
                "in securityContext.capabilities.add",
                setter.path("capabilities", "add"),
                forbidden,
            )


@control(
    id="KG-POD-004",
    title="Containers add no capabilities beyond the default set",
    severity=Severity.HIGH,
    remediation="Remove every capability outside the runtime default set from "
    "securityContext.capabilities.add.",
    refs={
        "pss": "capabilities_baseline",
        "kubescape": ("C-0046", "C-0200"),
        "hardeneks": "disallow_linux_capabilities",
        "checkov": ("CKV_K8S_25", "CKV_K8S_39"),
        "trivy": ("KSV005", "KSV022", "KSV119", "KSV120"),
        "polaris": "dangerousCapabilities",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from added_capability_violations(
        workload, DEFAULT_CAPABILITIES, "non-default capabilities"
    )
