"""Pods must not share the node's network, PID or IPC namespace.

``hostNetwork`` lets a pod bind node ports, sniff node traffic and reach services that trust
localhost; ``hostPID`` shows every process on the node (and their environment) and lets a
privileged container ptrace them; ``hostIPC`` exposes the node's shared memory. Pod Security
Standards baseline requires all three to be unset or false.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pss_violation
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

HOST_NAMESPACE_FIELDS = ("hostNetwork", "hostPID", "hostIPC")


@control(
    id="KG-POD-002",
    title="Pods do not share host namespaces",
    severity=Severity.HIGH,
    remediation="Remove spec.hostNetwork, spec.hostPID and spec.hostIPC or set them to false.",
    refs={
        "pss": "hostNamespaces",
        "cis-eks": ("4.2.2", "4.2.3", "4.2.4"),
        "kubescape": ("C-0038", "C-0041", "C-0194", "C-0195", "C-0196"),
        "checkov": ("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"),
        "trivy": ("KSV008", "KSV009", "KSV010"),
        "polaris": ("hostNetworkSet", "hostPIDSet", "hostIPCSet"),
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for name in HOST_NAMESPACE_FIELDS:
        if workload.field(name) is True:
            yield pss_violation("host namespaces", f"{name}=true", workload.path(name), True)
