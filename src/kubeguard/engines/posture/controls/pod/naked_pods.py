"""Pods must be managed by a controller.

A Pod created directly (a "naked" pod, without ``ownerReferences``) is not recreated when it
dies or its node is drained, is not rolled out when its image or settings change, and escapes
the review and policy that the workload's Deployment, StatefulSet, DaemonSet or Job goes through.
In a manifest repository it is often a leftover debugging or one-off pod. Run it from a
controller instead; a one-off task belongs in a Job.
"""

from collections.abc import Iterator, Mapping

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_list
from kubeguard.model import Severity


@control(
    id="KG-POD-025",
    title="Pods are managed by a controller",
    severity=Severity.LOW,
    remediation="Run the pod from a Deployment, StatefulSet, DaemonSet or Job instead of "
    "creating it directly.",
    refs={"kubescape": "C-0073", "hardeneks": "avoid_running_singleton_pods"},
    kinds={"Pod"},
)
def check(pod: ObjectView, context: CheckContext) -> Iterator[Violation]:
    owners = [
        ref for ref in as_list(pod.field("metadata", "ownerReferences")) if isinstance(ref, Mapping)
    ]
    if not owners:
        yield Violation(
            path=("metadata", "ownerReferences"),
            message="Pod has no ownerReferences: no controller recreates or updates it",
        )
