"""The kubelet records events at a rate that keeps them.

Events (pulled images, failed probes, evictions, OOM kills, crash loops) are how a cluster's
history is read after an incident. ``eventRecordQPS`` (``--event-qps``) caps how many events per
second the kubelet sends to the API server; what exceeds the cap and its burst is dropped. CIS
asks for "0 or a level which ensures appropriate event capture", and peers read that two ways:
kube-bench and Trivy fail only a negative value, Checkov fails values above 5.

kubeguard's reading: 0 (no limit) passes, as CIS allows it; a negative value fails (the kubelet
refuses to start with it); a positive value below 5 fails, because 5 is the lowest default the
kubelet has ever shipped (50 today, in the KubeletConfiguration and on the command line) and a
node capped below it loses events during the very bursts (a crash loop, an eviction wave) that
an investigation needs. Above 5, what is appropriate depends on the cluster and is not judged.
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

#: The lowest event rate the kubelet has shipped as its default (v1beta1 before 50).
LOWEST_DEFAULT_QPS = 5
EVENT_RECORD_QPS = KubeletSetting(
    field=("eventRecordQPS",),
    flag="event-qps",
    type=ValueType.INTEGER,
    default=50,
    flag_default=50,
)


@control(
    id="KG-INFRA-009",
    title="Kubelet event rate limit keeps events",
    severity=Severity.LOW,
    remediation=(
        "Remove eventRecordQPS (default 50) or set it to 0 or at least 5 in the "
        "KubeletConfiguration, or pass --event-qps accordingly."
    ),
    refs={
        "cis-eks": "3.2.7",
        "kubescape": "C-0180",
        "checkov": "CKV_K8S_147",
        "trivy": "KCV0087",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, EVENT_RECORD_QPS, _drops_events)


def _drops_events(reading: Reading) -> str | None:
    rate: int = reading.value
    if rate < 0:
        return "a negative rate is invalid and the kubelet refuses to start"
    if 0 < rate < LOWEST_DEFAULT_QPS:
        return (
            f"a cap of {rate} per second, below the lowest default the kubelet has shipped "
            f"({LOWEST_DEFAULT_QPS}), drops events in the bursts investigations need"
        )
    return None
