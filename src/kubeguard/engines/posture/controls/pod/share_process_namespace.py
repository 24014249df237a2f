"""Pods do not share one process namespace between their containers.

With ``shareProcessNamespace: true`` every container sees every other container's processes.
Through ``/proc/<pid>/environ``, ``/proc/<pid>/root`` and ``/proc/<pid>/cmdline`` a compromised
sidecar reads its neighbours' environment (Secrets injected as variables included), their root
filesystems and their command lines, and with the same user id it can signal or trace them.
The isolation between containers of one pod, which Pod Security Standards assume, is gone.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-037",
    title="Pods do not share a process namespace between containers",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove spec.shareProcessNamespace or set it to false; debug with an ephemeral "
        "container targeting one container (kubectl debug --target) instead."
    ),
    refs={"mitre": "T1552"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.field("shareProcessNamespace") is True:
        yield Violation(
            path=workload.path("shareProcessNamespace"),
            message="containers share one process namespace and can read each other's /proc",
            value=True,
        )
