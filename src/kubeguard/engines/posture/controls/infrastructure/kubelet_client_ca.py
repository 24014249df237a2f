"""The kubelet has a client CA to verify client certificates.

``authentication.x509.clientCAFile`` (``--client-ca-file``) names the certificate authorities
whose client certificates the kubelet API accepts. Without it the kubelet authenticates no
certificate at all, the API server's own kubelet-client certificate included, so the
``exec``, ``logs`` and ``port-forward`` traffic the API server relays must rely on tokens or on
anonymous access. Neither the KubeletConfiguration nor the command line has a default; the EKS
AMIs set ``/etc/kubernetes/pki/ca.crt``.
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

CLIENT_CA_FILE = KubeletSetting(
    field=("authentication", "x509", "clientCAFile"),
    flag="client-ca-file",
    type=ValueType.STRING,
    default=None,
    flag_default=None,
)


@control(
    id="KG-INFRA-005",
    title="Kubelet client CA is configured",
    severity=Severity.HIGH,
    remediation=(
        "Set authentication.x509.clientCAFile in the KubeletConfiguration (EKS: "
        "/etc/kubernetes/pki/ca.crt), or pass --client-ca-file."
    ),
    refs={
        "cis-eks": "3.2.3",
        "kubescape": ("C-0174", "C-0070"),
        "checkov": "CKV_K8S_140",
        "trivy": "KCV0081",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, CLIENT_CA_FILE, _missing)


def _missing(reading: Reading) -> str | None:
    if reading.value:
        return None
    return "the kubelet verifies no client certificate"
