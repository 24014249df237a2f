"""Windows pods and containers must not run as HostProcess containers.

A Windows HostProcess container runs directly on the node, in the host's network and process
space, with access to the node's filesystem: the Windows equivalent of a privileged container.
Pod Security Standards baseline forbids ``windowsOptions.hostProcess: true`` in the pod's and every
container's ``securityContext``.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import SecurityField, forbidden_value_violations
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

HOST_PROCESS = SecurityField(("windowsOptions", "hostProcess"))


@control(
    id="KG-POD-015",
    title="No Windows HostProcess containers",
    severity=Severity.HIGH,
    remediation="Remove securityContext.windowsOptions.hostProcess or set it to false.",
    refs={
        "pss": "windowsHostProcess",
        "kubescape": "C-0202",
        "trivy": "KSV103",
        "polaris": "hostProcess",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from forbidden_value_violations(
        "hostProcess", workload, HOST_PROCESS, lambda value: value is not True
    )
