"""The kubelet renews its certificates before they expire.

A kubelet whose certificates are not rotated runs on long-lived keys, and once one expires the
node drops out of the cluster until someone replaces it by hand. Two settings govern rotation:

- ``rotateCertificates`` (``--rotate-certificates``) renews the kubelet's client certificate
  through the certificates API. CIS 3.2.8 asks that it be "not present or set to true", and so
  only an explicit false fails: the field defaults to false, but a kubelet that authenticates with
  a token, as EKS nodes do through IAM, has no client certificate to renew.
- The ``RotateKubeletServerCertificate`` feature gate lets the kubelet request and renew its
  serving certificate (with ``serverTLSBootstrap: true``, ``--rotate-server-certificates``, as the
  EKS AMIs set). The gate is on by default since Kubernetes 1.12, so only turning it off fails
  (CIS 3.2.9); with ``serverTLSBootstrap`` on, the kubelet even refuses to start that way.
"""

from collections.abc import Iterator
from functools import partial

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.kubelet import (
    KUBELET_KINDS,
    Kubelet,
    KubeletSetting,
    Reading,
    ValueType,
    feature_gate,
    kubelets,
    runs_kubelet,
    verdict,
)
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

ROTATE_CERTIFICATES = KubeletSetting(
    field=("rotateCertificates",),
    flag="rotate-certificates",
    type=ValueType.BOOLEAN,
    default=False,
    flag_default=False,
)
SERVER_TLS_BOOTSTRAP = KubeletSetting(
    field=("serverTLSBootstrap",),
    flag="rotate-server-certificates",
    type=ValueType.BOOLEAN,
    default=False,
    flag_default=False,
)
SERVER_CERTIFICATE_ROTATION = feature_gate("RotateKubeletServerCertificate", default=True)


@control(
    id="KG-INFRA-010",
    title="Kubelet certificates are rotated",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove rotateCertificates: false (--rotate-certificates=false) and "
        "RotateKubeletServerCertificate: false (--feature-gates), and set serverTLSBootstrap: "
        "true so the kubelet renews its serving certificate through the API server."
    ),
    refs={
        "cis-eks": ("3.2.8", "3.2.9"),
        "kubescape": ("C-0182", "C-0183"),
        "checkov": "CKV_K8S_149",
        "trivy": ("KCV0090", "KCV0091"),
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    for kubelet in kubelets(subject, context):
        yield from verdict(kubelet, ROTATE_CERTIFICATES, _client_not_rotated)
        yield from verdict(
            kubelet, SERVER_CERTIFICATE_ROTATION, partial(_server_not_rotated, kubelet)
        )


def _client_not_rotated(reading: Reading) -> str | None:
    if reading.is_default or reading.value:
        return None
    return "the client certificate is never renewed"


def _server_not_rotated(kubelet: Kubelet, gate: Reading) -> str | None:
    if gate.value:
        return None
    bootstrap = kubelet.read(SERVER_TLS_BOOTSTRAP)
    if bootstrap is not None and bootstrap.value is True:
        return f"{bootstrap.describe()}, which the kubelet refuses without this gate"
    return "the serving certificate is never renewed"
