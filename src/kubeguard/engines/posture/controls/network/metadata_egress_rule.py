"""NetworkPolicy egress rules do not allow the instance metadata service.

Pods that reach the EC2 instance metadata service (IMDS, ``169.254.169.254`` and
``fd00:ec2::254``, HTTP on port 80) can read the node's IAM role credentials whenever the
instance's hop limit lets their requests through, and act as the node in the AWS account. An
egress rule without ``to``, or with an ipBlock such as ``0.0.0.0/0`` that does not list
``169.254.169.254/32`` under ``except``, allows it. Workloads that need AWS credentials should
use IRSA or EKS Pod Identity instead.

The rule is judged on its own; another rule of the same or another policy may still allow the
address (KG-NET-016 judges what each workload can actually reach).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import Direction, network_of
from kubeguard.engines.posture.netpol.shapes import metadata_access
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity, dotted_path


@control(
    id="KG-NET-015",
    title="Egress rules do not allow the instance metadata service",
    severity=Severity.MEDIUM,
    remediation=(
        "Add 169.254.169.254/32 (and fd00:ec2::254/128 for IPv6) to the ipBlock's except list, "
        "or give the rule explicit destinations; use IRSA or EKS Pod Identity for AWS access."
    ),
    refs={"mitre": "T1552.005"},
    kinds={"NetworkPolicy"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    policy = network_of(context.inventory).policy_of[subject.obj]
    for rule in policy.rules(Direction.EGRESS):
        how = metadata_access(rule)
        if how is not None:
            yield Violation(
                path=rule.path,
                message=f"{dotted_path(rule.path)} allows the instance metadata service: {how}",
            )
