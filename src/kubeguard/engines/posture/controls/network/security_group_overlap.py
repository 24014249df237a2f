"""Pods are matched by at most one SecurityGroupPolicy.

When several SecurityGroupPolicies match a pod, the VPC resource controller unions all their
security groups on the pod's branch interface. Each policy's author sees only their own groups,
so the pod ends up with more access than any single policy says (security groups only allow),
and the five-groups-per-interface limit can be exceeded so the pod fails to start.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import network_of, security_groups_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-NET-021",
    title="Pods match at most one SecurityGroupPolicy",
    severity=Severity.LOW,
    remediation=(
        "Narrow the policies' selectors so each pod matches one SecurityGroupPolicy that lists "
        "all the groups it needs."
    ),
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    endpoint = network_of(context.inventory).endpoint_of.get(workload.obj)
    if endpoint is None:
        return
    groups = security_groups_of(context.inventory)
    matching = groups.of_endpoint(endpoint)
    if len(matching) > 1:
        yield Violation(
            path=workload.meta_path + ("labels",),
            message=(
                f"pods match {len(matching)} SecurityGroupPolicies "
                f"({', '.join(p.ref for p in matching)}) and get the union of their groups: "
                f"{', '.join(groups.group_ids(endpoint))}"
            ),
            value=[p.ref for p in matching],
        )
