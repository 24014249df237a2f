"""Workloads that call AWS have an identity of their own, not the node's IAM role.

A pod that calls AWS without IRSA, EKS Pod Identity or keys of its own ends up with the node
role, fetched from instance metadata: the same credentials as every other pod on the node, with
the union of the rights they all need, and no way to tell in CloudTrail which workload made a
call. Give each such workload a role of its own (IRSA: annotate its ServiceAccount with
``eks.amazonaws.com/role-arn``; or an EKS Pod Identity association) and keep the node role to the
EKS worker policies.

Whether a workload calls AWS is judged from its manifest: a known AWS-calling image, AWS SDK
settings in its environment, or a command line that runs the AWS CLI or names ``s3://``
locations (see ``aws_identity`` for the exact list). A workload counts as having its own identity
when its ServiceAccount in the scan carries the IRSA annotation, or a container sets the
web-identity, container-credentials or static-key variables. EKS Pod Identity associations are
not in manifests: a workload that uses one is reported, and the finding says so; record it as an
exception. Host-network workloads are reported by KG-IAM-044 instead, and ``aws-node`` by
KG-IAM-013.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.aws_identity import aws_usage, own_credentials
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.eks_addons import kube_system_component
from kubeguard.engines.posture.service_accounts import service_account_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

#: aws-node has a control of its own (KG-IAM-013).
VPC_CNI = frozenset({"aws-node"})


@control(
    id="KG-IAM-026",
    title="Workloads that call AWS do not share the node IAM role",
    severity=Severity.MEDIUM,
    remediation=(
        "Create an IAM role for the workload and annotate its ServiceAccount with "
        "eks.amazonaws.com/role-arn (IRSA), or create an EKS Pod Identity association for it."
    ),
    refs={"mitre": "T1552.005"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.field("hostNetwork") is True or kube_system_component(workload, VPC_CNI):
        return
    usage = aws_usage(workload)
    if usage is None or own_credentials(workload, context.inventory) is not None:
        return
    name = service_account_of(workload)
    account = context.inventory.get("ServiceAccount", name, workload.namespace)
    missing = "is not in the scan" if account is None else "has no eks.amazonaws.com/role-arn"
    yield Violation(
        path=usage.container.path("image"),
        message=(
            f"{usage.container.label} calls AWS ({usage.reason}), but ServiceAccount "
            f"{workload.namespace}/{name} {missing}, so it gets the node role from instance "
            "metadata (unless an EKS Pod Identity association, not visible in manifests, "
            "exists for it)"
        ),
        value=usage.container.image,
    )
