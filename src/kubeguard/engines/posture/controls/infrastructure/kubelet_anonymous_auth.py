"""The kubelet refuses anonymous requests.

With anonymous authentication on, a request to the kubelet API (port 10250) that carries no
credentials is served as ``system:anonymous`` in the group ``system:unauthenticated``. Under
``AlwaysAllow`` authorization that is anyone who reaches the node running commands in its
containers, reading their logs and listing their specs; under ``Webhook`` it is one RBAC grant to
an unauthenticated group away from the same. The KubeletConfiguration default is off
(``authentication.anonymous.enabled: false``); the command-line default is on, so a kubelet
started from flags alone accepts anonymous requests unless ``--anonymous-auth=false`` is passed.
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

ANONYMOUS_AUTH = KubeletSetting(
    field=("authentication", "anonymous", "enabled"),
    flag="anonymous-auth",
    type=ValueType.BOOLEAN,
    default=False,
    flag_default=True,
)


@control(
    id="KG-INFRA-003",
    title="Kubelet anonymous authentication is disabled",
    severity=Severity.CRITICAL,
    remediation=(
        "Set authentication.anonymous.enabled: false in the KubeletConfiguration, or pass "
        "--anonymous-auth=false."
    ),
    refs={
        "cis-eks": "3.2.1",
        "kubescape": ("C-0172", "C-0069"),
        "checkov": "CKV_K8S_138",
        "trivy": "KCV0079",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, ANONYMOUS_AUTH, _anonymous)


def _anonymous(reading: Reading) -> str | None:
    if reading.value is not True:
        return None
    return "requests without credentials reach the kubelet API as system:anonymous"
