"""Containers must not add SYS_ADMIN, SYS_MODULE or ALL capabilities.

These capabilities hand the container the node. ``SYS_ADMIN`` allows mounting filesystems,
using namespaces and a long list of administrative operations that have repeatedly served to
escape containers (the cgroup ``release_agent`` escape among them); ``SYS_MODULE`` loads code
into the host kernel; ``ALL`` grants both and every other capability. kubeguard flags them at
every Pod Security Standards level, since the PSS capability checks do not apply at the
privileged level and compare names case-sensitively, while runtimes may accept
``CAP_SYS_ADMIN`` or ``sys_admin`` too; every spelling is matched here. The other dangerous
capabilities are KG-POD-034.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.capabilities import added_capability_violations
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

HOST_TAKEOVER_CAPABILITIES = {
    "SYS_ADMIN": "mounts, namespaces and other administration that escapes the container",
    "SYS_MODULE": "loads kernel modules into the host kernel",
    "ALL": "every capability, SYS_ADMIN and SYS_MODULE included",
}


@control(
    id="KG-POD-028",
    title="Containers do not add host-takeover capabilities",
    severity=Severity.CRITICAL,
    remediation=(
        "Remove SYS_ADMIN, SYS_MODULE and ALL from securityContext.capabilities.add; drop ALL "
        "and add back only the narrow capabilities the process needs."
    ),
    refs={
        "mitre": "T1611",
        "kubescape": "C-0046",
        "checkov": "CKV_K8S_39",
        "trivy": ("KSV005", "KSV120"),
        "polaris": "dangerousCapabilities",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    return added_capability_violations(workload, HOST_TAKEOVER_CAPABILITIES)
