"""LoadBalancer and NodePort Services expose only workloads that an ingress policy protects.

A LoadBalancer or NodePort Service opens its pods to everything that reaches the load balancer
or a node port, often the internet. When no NetworkPolicy isolates those pods for ingress, every
port of theirs is also open to every pod of the cluster, and nothing limits the Service's reach
to the ports and sources meant to use it. An ingress policy on the exposed pods (even one that
admits everyone on the served port) makes what is exposed a decision rather than a default.

The Service's ``spec.selector`` is matched against the pod labels of the workloads in its
namespace among the inputs; a Service without a selector (endpoints managed by hand) passes.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import Direction, network_of
from kubeguard.engines.posture.netpol.text import listing
from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.engines.posture.views import ObjectView, as_mapping, as_str
from kubeguard.model import Severity

EXPOSING_TYPES = frozenset({"LoadBalancer", "NodePort"})


@control(
    id="KG-NET-017",
    title="Exposed Services front workloads an ingress policy protects",
    severity=Severity.HIGH,
    remediation=(
        "Add an ingress NetworkPolicy selecting the Service's pods that admits only the served "
        "ports (and, where possible, the load balancer's address ranges)."
    ),
    refs={"kubescape": "C-0256"},
    kinds={"Service"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    service_type = as_str(subject.field("spec", "type"))
    selector_map = as_mapping(subject.field("spec", "selector"))
    if service_type not in EXPOSING_TYPES or not selector_map:
        return
    selector = LabelSelector.from_map(selector_map)
    network = network_of(context.inventory)
    namespace = subject.obj.effective_namespace or "default"
    # Pods that no policy can tell apart share a class: test each selected class once.
    exposed = sorted(
        {
            endpoint.ref
            for pod_class in network.classes_selected(namespace, selector)
            if not network.isolating(pod_class, Direction.INGRESS)
            for endpoint in network.members[pod_class]
            if not endpoint.owned
        }
    )
    if exposed:
        yield Violation(
            path=("spec", "type"),
            message=(
                f"{service_type} Service exposes workloads that no ingress NetworkPolicy "
                f"isolates: {listing(exposed)}"
            ),
            value=exposed,
        )
