"""The VPC CNI (``aws-node``) gets its AWS rights from IRSA or Pod Identity, not the node role.

``aws-node`` assigns pod IP addresses by calling EC2 (``AssignPrivateIpAddresses``,
``AttachNetworkInterface`` …) with the rights of ``AmazonEKS_CNI_Policy``. If those rights sit on
the node role, every pod that reaches instance metadata can use them to rewire the node's network
interfaces. EKS recommends giving the policy to an IAM role for the ``aws-node`` ServiceAccount
instead (IRSA or an EKS Pod Identity association) and removing it from the node role.

Judged: the ``kube-system/aws-node`` DaemonSet. It passes when its ServiceAccount, in the scan,
carries ``eks.amazonaws.com/role-arn`` (HardenEKS accepts a Pod Identity association as well,
which lives in the EKS API and not in manifests: record an exception if that is how it is set).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.aws_identity import irsa_role_of
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.eks_addons import KUBE_SYSTEM
from kubeguard.engines.posture.service_accounts import service_account_of
from kubeguard.engines.posture.views import ObjectView, WorkloadView
from kubeguard.model import Severity

VPC_CNI = "aws-node"


@control(
    id="KG-IAM-013",
    title="aws-node uses IRSA or Pod Identity, not the node role",
    severity=Severity.MEDIUM,
    remediation=(
        "Create an IAM role with AmazonEKS_CNI_Policy for ServiceAccount kube-system/aws-node "
        "(IRSA annotation or Pod Identity association), then detach the policy from the node role."
    ),
    refs={"hardeneks": "check_aws_node_daemonset_service_account", "mitre": "T1552.005"},
    kinds={"DaemonSet"},
)
def check(daemon_set: ObjectView, context: CheckContext) -> Iterator[Violation]:
    obj = daemon_set.obj
    workload = WorkloadView.of(obj)
    if workload is None or obj.name != VPC_CNI or obj.namespace != KUBE_SYSTEM:
        return
    name = service_account_of(workload)
    account = context.inventory.get("ServiceAccount", name, KUBE_SYSTEM)
    if account is not None and irsa_role_of(account.manifest) is not None:
        return
    missing = "is not in the scan" if account is None else "has no eks.amazonaws.com/role-arn"
    yield Violation(
        path=workload.path("serviceAccountName"),
        message=(
            f"aws-node runs as ServiceAccount kube-system/{name}, which {missing}: the CNI's EC2 "
            "rights come from the node role unless a Pod Identity association exists"
        ),
        value=workload.service_account_name,
    )
