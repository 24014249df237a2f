"""Services are not of type NodePort.

A NodePort Service opens the same port on every node, on every node address, reachable from
wherever the nodes are: it bypasses the load balancer's listeners, certificates and access
logs, and depends on node security groups alone. On EKS, expose Services through a load
balancer (``LoadBalancer`` or an Ingress) and keep node ports closed.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-NET-007",
    title="Services are not NodePort",
    severity=Severity.LOW,
    remediation="Use type ClusterIP behind an Ingress, or type LoadBalancer.",
    refs={"kube-score": "service-type"},
    kinds={"Service"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if subject.field("spec", "type") == "NodePort":
        yield Violation(
            path=("spec", "type"),
            message="NodePort Service opens a port on every node",
            value="NodePort",
        )
