"""The kubelet authorizes requests instead of allowing them all.

In ``AlwaysAllow`` mode every request the kubelet API authenticates is allowed: any client with
any credential the kubelet accepts (or none, with anonymous authentication on) may run commands
in the node's containers, attach to them, forward their ports and read their logs. ``Webhook``
mode asks the API server (a SubjectAccessReview), so RBAC decides, with ``nodes/proxy`` and its
siblings as the grants. ``Webhook`` is the KubeletConfiguration default (an empty mode is
defaulted too); ``AlwaysAllow`` is the command-line default, so a kubelet started from flags
alone allows everything unless ``--authorization-mode=Webhook`` is passed.
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

ALLOW_ALL = "AlwaysAllow"
AUTHORIZATION_MODE = KubeletSetting(
    field=("authorization", "mode"),
    flag="authorization-mode",
    type=ValueType.STRING,
    default="Webhook",
    flag_default=ALLOW_ALL,
    empty_is_unset=True,
)


@control(
    id="KG-INFRA-004",
    title="Kubelet authorization mode is not AlwaysAllow",
    severity=Severity.HIGH,
    remediation=(
        "Set authorization.mode: Webhook in the KubeletConfiguration, or pass "
        "--authorization-mode=Webhook, and keep authentication.webhook.enabled: true."
    ),
    refs={
        "cis-eks": "3.2.2",
        "kubescape": "C-0173",
        "checkov": "CKV_K8S_139",
        "trivy": "KCV0080",
    },
    kinds=KUBELET_KINDS,
    applies=runs_kubelet,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from judge(subject, context, AUTHORIZATION_MODE, _allows_all)


def _allows_all(reading: Reading) -> str | None:
    if reading.value != ALLOW_ALL:
        return None
    return "every authenticated request may exec into, attach to and read the node's pods"
