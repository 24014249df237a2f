"""Containers must not add capabilities that reach beyond the container.

Each of these capabilities lets a process act on things the container does not own:
``NET_ADMIN`` reconfigures interfaces, routes and firewall rules; ``NET_RAW`` forges packets
(ARP and DNS spoofing on the node's network); ``SYS_PTRACE`` reads and injects into other
processes; ``SYS_RAWIO`` accesses raw I/O ports and devices; ``SYS_BOOT`` reboots the node;
``SYS_TIME`` sets the node's clock; ``BPF`` and ``PERFMON`` load BPF programs and read kernel
performance data; ``DAC_READ_SEARCH`` bypasses file read permissions (and opens files by handle,
which has served to escape containers); ``MAC_ADMIN`` and ``MAC_OVERRIDE`` change or bypass
AppArmor and SELinux. kubeguard flags them at every Pod Security Standards level and in every
spelling (``NET_RAW``, ``CAP_NET_RAW``, ``net_raw``). SYS_ADMIN, SYS_MODULE and ALL, which hand
over the node outright, are the critical KG-POD-028.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.capabilities import added_capability_violations
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

DANGEROUS_CAPABILITIES = {
    "NET_ADMIN": "reconfigures network interfaces, routes and firewall rules",
    "NET_RAW": "forges packets on the node's network",
    "SYS_PTRACE": "traces and injects into other processes",
    "SYS_RAWIO": "accesses raw I/O ports and devices",
    "SYS_BOOT": "reboots the node",
    "SYS_TIME": "sets the node's clock",
    "BPF": "loads BPF programs into the kernel",
    "PERFMON": "reads kernel performance and tracing data",
    "DAC_READ_SEARCH": "bypasses file read permissions and opens files by handle",
    "MAC_ADMIN": "changes the mandatory access control (AppArmor, SELinux) policy",
    "MAC_OVERRIDE": "bypasses the mandatory access control (AppArmor, SELinux) policy",
}


@control(
    id="KG-POD-034",
    title="Containers do not add dangerous capabilities",
    severity=Severity.HIGH,
    remediation=(
        "Remove the capability from securityContext.capabilities.add; if the workload truly "
        "needs it (a CNI plugin, a node agent), keep it in a dedicated namespace and record an "
        "exception."
    ),
    refs={
        "mitre": "T1611",
        "kubescape": "C-0046",
        "trivy": ("KSV022", "KSV119"),
        "polaris": "dangerousCapabilities",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    return added_capability_violations(workload, DANGEROUS_CAPABILITIES)
