"""Memory-backed emptyDir volumes set a sizeLimit.

An ``emptyDir`` with ``medium: Memory`` is a tmpfs: what the pod writes there is held in the
node's RAM. Without ``sizeLimit`` the tmpfs may grow to the pod's memory limit, or to the node's
allocatable memory when the pod has none, so one workload (or an attacker filling the volume)
can push the node into memory pressure and get its neighbours evicted or OOM-killed. A sizeLimit
caps the volume and lets the kubelet evict only the offending pod.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_mapping
from kubeguard.model import Severity


@control(
    id="KG-POD-039",
    title="Memory-backed emptyDir volumes set a sizeLimit",
    severity=Severity.LOW,
    remediation="Set emptyDir.sizeLimit on every emptyDir volume with medium: Memory.",
    refs={"mitre": "T1499"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, volume in workload.volumes():
        empty_dir = as_mapping(volume.get("emptyDir"))
        if empty_dir.get("medium") == "Memory" and empty_dir.get("sizeLimit") in (None, ""):
            yield Violation(
                path=workload.path("volumes", index, "emptyDir", "sizeLimit"),
                message=f"memory-backed emptyDir {volume.get('name')!r} has no sizeLimit",
            )
