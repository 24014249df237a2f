"""Applications do not run in ``kube-system``.

``kube-system`` holds the cluster's own machinery: its ServiceAccounts are bound to powerful
roles, the namespace is exempted from many admission policies and Pod Security labels, and
anyone who may create pods there can run as any of those accounts. A user workload placed there
inherits that neighbourhood (and its exemptions) and blurs who owns what. Run applications in a
namespace of their own.

Judged: top-level workloads in ``kube-system`` (objects a controller created are represented by
their owner). EKS default add-ons and components AWS documents installing into ``kube-system``
pass: ``aws-node``, ``kube-proxy``, ``coredns``, ``eks-pod-identity-agent``, the EBS, EFS, FSx
and S3 CSI drivers, ``aws-load-balancer-controller``, ``cluster-autoscaler``, ``karpenter``,
``metrics-server``, ``aws-node-termination-handler``, the Secrets Store CSI driver and its AWS
provider, and a few more, recognised by name or by the ``app.kubernetes.io/name`` or
``k8s-app`` label (see ``eks_addons``).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.eks_addons import (
    KUBE_SYSTEM,
    KUBE_SYSTEM_COMPONENTS,
    kube_system_component,
)
from kubeguard.engines.posture.ownership import controller_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-MT-004",
    title="Applications do not run in kube-system",
    severity=Severity.MEDIUM,
    remediation=(
        "Move the workload, its ServiceAccount and its RBAC to a namespace of its own; keep "
        "kube-system for EKS components and cluster add-ons."
    ),
    refs={"trivy": "KSV037"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.namespace != KUBE_SYSTEM or controller_of(workload.obj) is not None:
        return
    if kube_system_component(workload, KUBE_SYSTEM_COMPONENTS) is not None:
        return
    yield Violation(
        path=("metadata", "namespace"),
        message=(
            f"{workload.kind} {workload.obj.name!r} runs in kube-system but is not an EKS "
            "component or a documented add-on"
        ),
        value=KUBE_SYSTEM,
    )
