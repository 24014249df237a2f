"""Containers do not expose an SSH server.

A container that declares port 22 or 2222, or a port named ``ssh``, almost always runs an SSH
daemon. That daemon is a second way in which bypasses Kubernetes authentication, RBAC on
``pods/exec`` and the API-server audit log; its keys or passwords live in the image or a Secret
and are rarely rotated. Attackers use it for persistence and lateral movement (MITRE ATT&CK
T1021.004). Use ``kubectl exec`` or ephemeral debug containers instead, which RBAC and the audit
log do cover.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_int, as_str
from kubeguard.model import Severity

SSH_PORTS = frozenset({22, 2222})


@control(
    id="KG-RT-004",
    title="Containers do not expose an SSH server",
    severity=Severity.LOW,
    remediation=(
        "Remove the SSH daemon and its port from the image and pod spec; "
        "use kubectl exec or kubectl debug, which RBAC and the audit log cover."
    ),
    refs={"mitre": "T1021.004", "kubescape": "C-0042"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for index, port in container.ports():
            number = as_int(port.get("containerPort"))
            name = as_str(port.get("name"))
            if number in SSH_PORTS or (name is not None and name.lower() == "ssh"):
                yield Violation(
                    path=container.path("ports", index),
                    message=f"{container.label} exposes SSH (port {number}, name {name!r})",
                    value=dict(port),
                )
