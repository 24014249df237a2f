"""The components EKS and AWS's documented add-ons run in ``kube-system``, recognised by name.

A workload is taken to be such a component when, in ``kube-system``, its name is one of
:data:`KUBE_SYSTEM_COMPONENTS`, or its ``app.kubernetes.io/name`` or ``k8s-app`` label is. A Pod,
ReplicaSet or Job whose name is a component's followed by generated suffixes
(``coredns-5d78c9869d-x7k2p``) counts too, as in a dump of a live cluster. Names and labels can be
chosen by anyone who may create workloads in ``kube-system``; the list separates add-ons from
applications put there by mistake, not from an attacker who already holds that right.
"""

from __future__ import annotations

import re

from kubeguard.engines.posture.views import WorkloadView

KUBE_SYSTEM = "kube-system"

#: EKS add-ons and AWS components whose documented install puts them in kube-system.
KUBE_SYSTEM_COMPONENTS = frozenset(
    {
        # Amazon VPC CNI, kube-proxy, CoreDNS and the Pod Identity agent (EKS default add-ons).
        "aws-node",
        "kube-proxy",
        "kube-proxy-windows",
        "coredns",
        "kube-dns",
        "eks-pod-identity-agent",
        "eks-node-monitoring-agent",
        "cni-metrics-helper",
        # CSI drivers shipped as EKS add-ons.
        "ebs-csi-controller",
        "ebs-csi-node",
        "ebs-csi-node-windows",
        "efs-csi-controller",
        "efs-csi-node",
        "fsx-csi-controller",
        "fsx-csi-node",
        "s3-csi-node",
        "snapshot-controller",
        # Controllers AWS documents installing into kube-system.
        "aws-load-balancer-controller",
        "cluster-autoscaler",
        "karpenter",
        "metrics-server",
        "aws-node-termination-handler",
        "secrets-store-csi-driver",
        "csi-secrets-store-provider-aws",
        "secrets-store-csi-driver-provider-aws",
    }
)

#: Components that use the node's network by design, to manage it or to talk to instance metadata.
HOST_NETWORK_COMPONENTS = frozenset(
    {
        "aws-node",
        "kube-proxy",
        "kube-proxy-windows",
        "eks-pod-identity-agent",
        "efs-csi-node",
        "aws-node-termination-handler",
    }
)

#: Labels an add-on's manifests carry its name in.
NAME_LABELS = ("app.kubernetes.io/name", "k8s-app")
#: Generated suffixes: a pod-template hash and/or a random pod suffix, both written in
#: Kubernetes' vowel-free alphabet, or a CronJob's scheduled-time suffix.
_GENERATED_SUFFIX = re.compile(r"(?:-[bcdfghjklmnpqrstvwxz2456789]{5,10}){1,2}|-\d{8,}")
_GENERATED_KINDS = frozenset({"Pod", "ReplicaSet", "Job"})


def kube_system_component(workload: WorkloadView, components: frozenset[str]) -> str | None:
    """The component of ``components`` a kube-system workload is, or ``None``."""
    if workload.namespace != KUBE_SYSTEM:
        return None
    name = workload.obj.name
    if name in components:
        return name
    for label in NAME_LABELS:
        value = workload.obj.labels.get(label)
        if value in components:
            return str(value)
    if workload.kind in _GENERATED_KINDS:
        for component in components:
            if name.startswith(component + "-") and _GENERATED_SUFFIX.fullmatch(
                name[len(component) :]
            ):
                return component
    return None
