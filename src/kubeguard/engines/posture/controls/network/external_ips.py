"""Services do not set ``externalIPs``.

Anyone who may create or edit a Service can claim any address with ``spec.externalIPs``, and
kube-proxy then sends the cluster's traffic for that address to the Service's pods
(CVE-2020-8554, a man-in-the-middle on other workloads' or external destinations' traffic). It
has no legitimate use on EKS, where load balancers carry external traffic; block the field with
the ``DenyServiceExternalIPs`` admission plugin or a policy engine.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_list
from kubeguard.model import Severity


@control(
    id="KG-NET-006",
    title="Services do not use externalIPs",
    severity=Severity.HIGH,
    remediation="Remove spec.externalIPs; expose the Service through a load balancer instead.",
    refs={"kubescape": "C-0283", "trivy": "KSV108"},
    kinds={"Service"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    addresses = as_list(subject.field("spec", "externalIPs"))
    if addresses:
        yield Violation(
            path=("spec", "externalIPs"),
            message=f"externalIPs claims {', '.join(map(str, addresses))} (CVE-2020-8554)",
            value=addresses,
        )
