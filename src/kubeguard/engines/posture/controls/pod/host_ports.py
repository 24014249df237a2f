"""Containers must not bind ports on the node (hostPort).

A hostPort binds the node's own network interface: it bypasses NetworkPolicies and Services,
exposes the container to whatever can reach the node, and ties the pod to nodes where the port is
free. Pod Security Standards baseline allows no host port (unset or 0 only).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pss_violation
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-008",
    title="Containers bind no host ports",
    severity=Severity.MEDIUM,
    remediation="Remove ports[*].hostPort and expose the container through a Service instead.",
    refs={
        "pss": "hostPorts",
        "kubescape": ("C-0044", "C-0204"),
        "checkov": "CKV_K8S_26",
        "trivy": "KSV024",
        "polaris": "hostPortSet",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for index, port in container.ports():
            host_port = port.get("hostPort")
            if host_port not in (None, 0):
                yield pss_violation(
                    "hostPort",
                    f"{container.label} uses hostPort {host_port}",
                    container.path("ports", index, "hostPort"),
                    host_port,
                )
