"""Pods cannot reach the instance metadata service.

Pods whose egress no NetworkPolicy isolates, or whose policies allow it, can open connections to
the EC2 instance metadata service (IMDS, ``169.254.169.254`` / ``fd00:ec2::254``, TCP 80). From
there they read the node role's credentials unless IMDSv2 with a hop limit of 1 stops them at the
instance (a setting of the launch template, outside the manifests), and with them everything
the node role may do in the account.

Judged per workload with the reachability evaluator: the workload fails when its egress is not
isolated, when it runs in the host network (NetworkPolicy cannot restrict it), or when some
egress rule allows the address on TCP 80; the message names which.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import (
    METADATA_ADDRESSES,
    METADATA_PORT,
    Addresses,
    Direction,
    Protocol,
    network_of,
    side,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity, dotted_path

METADATA_SERVICE = Addresses("instance metadata service", METADATA_ADDRESSES)


@control(
    id="KG-NET-016",
    title="Pods cannot reach the instance metadata service",
    severity=Severity.MEDIUM,
    remediation=(
        "Isolate the workload's egress (a default-deny egress policy) and allow only what it "
        "needs, with 169.254.169.254/32 excepted from any broad ipBlock; require IMDSv2 with a "
        "hop limit of 1 on the nodes."
    ),
    refs={"mitre": "T1552.005"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    network = network_of(context.inventory)
    endpoint = network.endpoint_of.get(workload.obj)
    if endpoint is None:
        return
    egress = side(network, Direction.EGRESS, network.class_of[endpoint], METADATA_SERVICE)
    if not egress.allows(Protocol.TCP, METADATA_PORT):
        return
    if egress.isolated:
        grants = egress.grants_for(Protocol.TCP, METADATA_PORT)
        why = "allowed by " + ", ".join(
            f"{grant.policy.ref} {dotted_path(grant.rule.path)}" for grant in grants
        )
    else:
        why = egress.reason
    yield Violation(
        path=workload.path("hostNetwork") if endpoint.host_network else workload.meta_path,
        message=f"pods can reach the instance metadata service on TCP {METADATA_PORT} ({why})",
    )
