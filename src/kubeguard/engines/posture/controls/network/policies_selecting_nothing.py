"""NetworkPolicies select at least one workload.

A policy whose ``podSelector`` matches no pod protects nothing; usually a label was misspelt,
changed on the workload, or the policy was written for another namespace. NetworkPolicy never
selects pods outside its own namespace. A policy that selects only host-network pods protects
nothing either: NetworkPolicy does not isolate them.

Judged against the workloads among the inputs: a policy for pods deployed from elsewhere
passes only when those are scanned together with it.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import network_of
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-NET-013",
    title="NetworkPolicies select some workload",
    severity=Severity.LOW,
    remediation=(
        "Fix spec.podSelector to match the labels of the pod template it is meant for, in the "
        "same namespace, or delete the policy."
    ),
    refs={"kube-score": "networkpolicy-targets-pod"},
    kinds={"NetworkPolicy"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    network = network_of(context.inventory)
    policy = network.policy_of[subject.obj]
    selected = network.selected[policy]
    if not selected:
        yield Violation(
            path=("spec", "podSelector"),
            message=f"podSelector matches no pod or workload in namespace {policy.namespace!r}",
            value=subject.field("spec", "podSelector"),
        )
    elif all(pod_class.host_network for pod_class in selected):
        yield Violation(
            path=("spec", "podSelector"),
            message=(
                "podSelector matches only host-network pods, which NetworkPolicy does not isolate"
            ),
            value=subject.field("spec", "podSelector"),
        )
