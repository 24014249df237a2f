"""The kubelet closes idle streaming connections.

``exec``, ``attach`` and ``port-forward`` sessions are streams through the kubelet.
``streamingConnectionIdleTimeout`` closes those left idle; at 0 they stay open for good, so a
forgotten shell into a container, or a port forwarded to a database, outlives whoever opened it
and ties up the node's connections. The default is 4 hours on the command line and in the
KubeletConfiguration. Only the flag (``--streaming-connection-idle-timeout=0``) can disable it:
v1beta1 defaulting cannot tell ``streamingConnectionIdleTimeout: 0s`` from an absent field and
applies the 4-hour default to both, so a zero in the file passes.
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

STREAMING_IDLE_TIMEOUT = KubeletSetting(
    field=("streamingConnectionIdleTimeout",),
    flag="streaming-connection-idle-timeout",
    type=ValueType.DURATION,
    default="4h0m0s",
    flag_default="4h0m0s",
    empty_is_unset=True,
)


@control(
    id="KG-INFRA-007",
    title="Kubelet streaming connections time out when idle",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove --streaming-connection-idle-timeout=0, or set it (or "
        "streamingConnectionIdleTimeout in the KubeletConfiguration) to a duration such as 5m."
    ),
    refs={
        "cis-eks": "3.2.5",
        "kubescape": "C-0176",
        "checkov": "CKV_K8S_143",
        "trivy": "KCV0085",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, STREAMING_IDLE_TIMEOUT, _never_closes)


def _never_closes(reading: Reading) -> str | None:
    if reading.value != 0:
        return None
    return "idle exec, attach and port-forward streams are never closed"
