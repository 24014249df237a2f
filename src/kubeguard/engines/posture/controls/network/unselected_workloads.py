"""Every workload is selected by some NetworkPolicy.

A pod that no NetworkPolicy selects is not isolated in either direction: every pod of the
cluster (and, behind a load balancer, the internet) may connect to it, and it may connect
anywhere. Policies select pods by label within their own namespace, so a workload can fall
through when its labels change or when the namespace only has policies for other workloads.

Host-network pods fail with their own message: NetworkPolicy does not isolate them at all (their
traffic is the node's), so a policy selecting them protects nothing. Judged against the
NetworkPolicies among the inputs.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import network_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-NET-012",
    title="Workloads are selected by a NetworkPolicy",
    severity=Severity.MEDIUM,
    remediation=(
        "Add a default-deny policy to the namespace, or a policy whose podSelector matches the "
        "workload's pod labels and allows only the traffic it needs."
    ),
    refs={"kubescape": "C-0260", "kube-score": "pod-networkpolicy"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    network = network_of(context.inventory)
    endpoint = network.endpoint_of.get(workload.obj)
    if endpoint is None:
        return
    if endpoint.host_network:
        yield Violation(
            path=workload.path("hostNetwork"),
            message="runs in the host network: no NetworkPolicy can isolate its pods",
            value=True,
        )
        return
    pod_class = network.class_of[endpoint]
    if not any(
        pod_class in network.selected[p] for p in network.policies_in.get(pod_class.namespace, [])
    ):
        yield Violation(
            path=workload.meta_path + ("labels",),
            message=(
                f"no NetworkPolicy in namespace {endpoint.namespace!r} selects its pods: "
                "they accept and open any connection"
            ),
            value=dict(endpoint.labels),
        )
