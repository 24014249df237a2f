"""Workloads do not use the host network, where instance metadata hands out the node role.

A pod with ``hostNetwork: true`` shares the node's network namespace, so it reaches the EC2
instance metadata service (``169.254.169.254``) directly: the IMDSv2 hop limit of 1 that keeps
other pods out does not apply, and NetworkPolicies do not select host-network pods. It can read
the node IAM role's credentials whatever IRSA or EKS Pod Identity gives it, and with them do
everything the node role may (pull every ECR image, describe and modify network interfaces,
and anything else attached to it). This is the identity half of the host-network risk; the Pod
Security control for host namespaces covers the rest.

EKS components that run on the host network by design, in ``kube-system`` (``aws-node``,
``kube-proxy``, ``eks-pod-identity-agent``, ``efs-csi-node``, ``aws-node-termination-handler``),
are not reported.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.eks_addons import HOST_NETWORK_COMPONENTS, kube_system_component
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IAM-044",
    title="Workloads cannot reach the node role through host networking",
    severity=Severity.HIGH,
    remediation=(
        "Remove hostNetwork: true; if the workload truly needs the host network, give the node "
        "role nothing beyond the EKS worker policies and require IMDSv2 on the nodes."
    ),
    refs={"mitre": "T1552.005", "kubescape": "C-0041", "trivy": "KSV009"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.field("hostNetwork") is not True:
        return
    if kube_system_component(workload, HOST_NETWORK_COMPONENTS) is not None:
        return
    yield Violation(
        path=workload.path("hostNetwork"),
        message=(
            "pods use the host network, so they reach instance metadata and the node IAM role's "
            "credentials regardless of IRSA or Pod Identity"
        ),
        value=True,
    )
