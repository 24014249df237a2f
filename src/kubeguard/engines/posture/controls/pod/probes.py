"""Long-running containers declare liveness and readiness probes.

Without a readiness probe a Service sends traffic to a container that has not started or has
stopped serving; without a liveness probe a hung or wedged process (a deadlock, a resource
exhaustion attack, a half-finished exploit) stays in place instead of being restarted. Probes
are what keep a workload available while it is under load or under attack, so this is an
availability control rather than a confinement one. Run-to-completion pods (Jobs, CronJobs and
pods whose ``restartPolicy`` is not ``Always``) are not judged, nor are init and ephemeral
containers, which probes do not apply to.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_str
from kubeguard.model import Severity

RUN_TO_COMPLETION_KINDS = frozenset({"Job", "CronJob"})
PROBES = ("livenessProbe", "readinessProbe")


@control(
    id="KG-POD-042",
    title="Long-running containers declare liveness and readiness probes",
    severity=Severity.LOW,
    remediation="Add a livenessProbe and a readinessProbe to every regular container.",
    refs={
        "kubescape": ("C-0056", "C-0018"),
        "checkov": ("CKV_K8S_8", "CKV_K8S_9"),
        "polaris": ("livenessProbeMissing", "readinessProbeMissing"),
        "kube-score": "pod-probes",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if not _long_running(workload):
        return
    for container in workload.containers(init=False, ephemeral=False):
        for probe in PROBES:
            if not isinstance(container.field(probe), dict):
                yield Violation(
                    path=container.path(probe),
                    message=f"{container.label} has no {probe}",
                )


def _long_running(workload: WorkloadView) -> bool:
    if workload.kind in RUN_TO_COMPLETION_KINDS:
        return False
    return (as_str(workload.field("restartPolicy")) or "Always") == "Always"
