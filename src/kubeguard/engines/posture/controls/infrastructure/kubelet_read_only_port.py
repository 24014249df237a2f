"""The kubelet's read-only port is closed.

The read-only port (10255 by tradition) serves the kubelet API without authentication or
authorization: anyone who reaches the node can list its pods with their specs, environment
variables and volumes, read metrics and health data, and map the workloads to attack. The
authenticated port 10250 serves everything monitoring needs. ``readOnlyPort: 0`` (``0`` disables
it) is the KubeletConfiguration default; the command-line default is 10255, so a kubelet started
from flags alone opens it unless ``--read-only-port=0`` is passed.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.kubelet import (
    KUBELET_KINDS,
    KubeletSetting,
    Reading,
    ValueType,
    judge,
    runs_kubelet,
)
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

READ_ONLY_PORT = KubeletSetting(
    field=("readOnlyPort",),
    flag="read-only-port",
    type=ValueType.INTEGER,
    default=0,
    flag_default=10255,
)


@control(
    id="KG-INFRA-006",
    title="Kubelet read-only port is disabled",
    severity=Severity.HIGH,
    remediation="Set readOnlyPort: 0 in the KubeletConfiguration, or pass --read-only-port=0.",
    refs={
        "cis-eks": "3.2.4",
        "kubescape": "C-0175",
        "checkov": "CKV_K8S_141",
        "trivy": "KCV0082",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, READ_ONLY_PORT, _open)


def _open(reading: Reading) -> str | None:
    if reading.value == 0:
        return None
    return f"port {reading.value} serves pods, specs and metrics without authentication"
