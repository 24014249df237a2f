"""Workloads do not pin themselves to a node with spec.nodeName.

A pod spec with ``nodeName`` is bound to that node without going through the scheduler: the
kubelet starts it even on a node whose ``NoSchedule`` taints (control-plane, dedicated or
cordoned nodes) would have kept it away, and admission plugins and policies that act on
scheduling (PodNodeSelector, PodTolerationRestriction, affinity rules) never see a placement
decision. It is a way to aim a workload at a chosen node, for instance the one running a target
pod. Pods created by a controller, and Pods read from a live cluster (with a ``status``), carry
the node the scheduler chose, so only manifests and templates are judged.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_list, as_str, get
from kubeguard.model import Severity


@control(
    id="KG-POD-041",
    title="Workloads are placed by the scheduler, not by spec.nodeName",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove spec.nodeName; select nodes with nodeSelector or node affinity so the "
        "scheduler, taints and admission policies apply."
    ),
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    node = as_str(workload.field("nodeName"))
    if not node or _placed_by_scheduler(workload):
        return
    yield Violation(
        path=workload.path("nodeName"),
        message=f"pod is bound to node {node!r}, bypassing the scheduler and taints",
        value=node,
    )


def _placed_by_scheduler(workload: WorkloadView) -> bool:
    """A Pod read back from the cluster or owned by a controller got its node from the scheduler."""
    if workload.is_template:
        return False
    manifest = workload.obj.manifest
    return get(manifest, "status") is not None or bool(
        as_list(get(manifest, "metadata", "ownerReferences"))
    )
