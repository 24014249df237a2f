"""Containers do not listen on privileged ports (below 1024).

Binding a port below 1024 needs root or the NET_BIND_SERVICE capability, so an image that listens
there pushes its operators towards running it as root or adding a capability back after dropping
ALL. Pods have their own network namespace: the application can listen on 8080 and the Service
can still expose 80 or 443 to clients. Only declared ``containerPort`` values are judged; a
process may bind ports it does not declare.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_int
from kubeguard.model import Severity

#: Ports below this number need root or CAP_NET_BIND_SERVICE to bind.
FIRST_UNPRIVILEGED_PORT = 1024


@control(
    id="KG-POD-035",
    title="Containers do not listen on privileged ports",
    severity=Severity.LOW,
    remediation=(
        "Make the application listen on a port of 1024 or above and map the public port in the "
        "Service (port: 443, targetPort: 8443)."
    ),
    refs={"trivy": "KSV0117"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for index, port in container.ports():
            number = as_int(port.get("containerPort"))
            if number is not None and 0 < number < FIRST_UNPRIVILEGED_PORT:
                yield Violation(
                    path=container.path("ports", index, "containerPort"),
                    message=f"{container.label} declares privileged containerPort {number}",
                    value=number,
                )
