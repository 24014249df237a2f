"""The kubelet manages its iptables utility chains.

With ``makeIPTablesUtilChains`` on, the kubelet creates and keeps in place its own iptables
chains, such as ``KUBE-FIREWALL``, which drops packets marked for dropping and traffic from
outside the node to services bound to 127.0.0.1. Turned off, those rules are left to whoever
configures the node by hand and drift from what the pods' networking needs: too restrictive
breaks traffic, too open exposes it. On is the default both on the command line and in the
KubeletConfiguration, so only an explicit false fails.
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

MAKE_IPTABLES_UTIL_CHAINS = KubeletSetting(
    field=("makeIPTablesUtilChains",),
    flag="make-iptables-util-chains",
    type=ValueType.BOOLEAN,
    default=True,
    flag_default=True,
)


@control(
    id="KG-INFRA-008",
    title="Kubelet manages its iptables chains",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove makeIPTablesUtilChains: false from the KubeletConfiguration (or set it to true), "
        "or pass --make-iptables-util-chains=true."
    ),
    refs={
        "cis-eks": "3.2.6",
        "kubescape": "C-0178",
        "checkov": "CKV_K8S_145",
        "trivy": "KCV0084",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, MAKE_IPTABLES_UTIL_CHAINS, _unmanaged)


def _unmanaged(reading: Reading) -> str | None:
    if reading.value is not False:
        return None
    return "the kubelet's firewall chains are left to hand-made iptables rules"
