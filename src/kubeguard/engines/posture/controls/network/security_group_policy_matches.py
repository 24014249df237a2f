"""SecurityGroupPolicies select at least one workload and are usable.

A ``SecurityGroupPolicy`` (Security Groups for Pods, ``vpcresources.k8s.aws``) gives the pods
it matches a branch network interface with its security groups. One that matches no pod in its
namespace protects nothing: the pods it was written for keep the node's security groups and
reach whatever those allow (often the database it was meant to guard). The VPC resource
controller also ignores a policy with neither ``podSelector`` nor ``serviceAccountSelector``, or
without ``securityGroups.groupIds``.

Pods are matched by their labels and by the labels of their ServiceAccount, as the controller
does; judged against the workloads and ServiceAccounts among the inputs.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import security_groups_of
from kubeguard.engines.posture.netpol.security_groups import KIND
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-NET-020",
    title="SecurityGroupPolicies select some workload",
    severity=Severity.LOW,
    remediation=(
        "Fix podSelector/serviceAccountSelector to match the intended pods (and their "
        "ServiceAccount labels) in the policy's namespace, and list at least one group id."
    ),
    kinds={KIND},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    groups = security_groups_of(context.inventory)
    policy = groups.policy_of.get(subject.obj)
    if policy is None:
        return
    for problem in policy.problems:
        yield Violation(path=problem.path, message=problem.message)
    if not policy.problems and not groups.selected(policy):
        yield Violation(
            path=("spec",),
            message=(
                f"matches no pod or workload in namespace {policy.namespace!r}: its security "
                f"groups {', '.join(policy.group_ids)} apply to nothing"
            ),
        )
