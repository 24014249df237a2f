"""Containers must run with a user and group id of 10000 or more.

An id the container shares with the node (``0``, or the low ids of system accounts and users)
means that a process escaping the container acts on the node as that user, and files it writes
to host mounts belong to that user. Ids from 10000 up are kept clear of accounts on the node.
Each container must end up with ``runAsUser`` and ``runAsGroup`` of at least 10000, from its own
``securityContext`` or from the pod's; left unset, the image decides, and most images run as
root or with group 0. One finding is reported per place to fix: the container that sets a low
id, or the pod level when it sets a low id or none for the containers that inherit it.

Pods in their own user namespace (``hostUsers: false``) are exempt, since their ids are mapped
to unprivileged ids on the node; so are Windows pods, which name users instead.
"""

from collections.abc import Iterator
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import container_setters, pod_setter, shown
from kubeguard.engines.posture.views import WorkloadView, as_int
from kubeguard.model import Severity

MIN_ID = 10000
ID_FIELDS = ("runAsUser", "runAsGroup")


@control(
    id="KG-POD-029",
    title="Containers run with a high user and group id",
    severity=Severity.LOW,
    remediation=(
        f"Set spec.securityContext.runAsUser and runAsGroup to {MIN_ID} or more (and build the "
        "image to work as that user), or run the pod with hostUsers: false."
    ),
    refs={
        "checkov": "CKV_K8S_40",
        "kube-score": "container-security-context-user-group-id",
        "trivy": ("KSV020", "KSV021"),
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.is_windows or workload.host_users_disabled:
        return
    pod = pod_setter(workload)
    for field in ID_FIELDS:
        inheriting: list[str] = []
        for container in container_setters(workload):
            value = container.get(field)
            if value is None:
                inheriting.append(container.label)
            elif not _is_high(value):
                yield Violation(
                    path=container.path(field),
                    message=f"{container.label} runs with {field} {shown(value)}, below {MIN_ID}",
                    value=value,
                )
        if not inheriting:
            continue
        pod_value = pod.get(field)
        users = ", ".join(inheriting)
        if pod_value is None:
            yield Violation(
                path=pod.path(field),
                message=f"{field} is set neither at pod level nor for {users}: the image decides",
            )
        elif not _is_high(pod_value):
            yield Violation(
                path=pod.path(field),
                message=f"pod-level {field} {shown(pod_value)} is below {MIN_ID} "
                f"(inherited by {users})",
                value=pod_value,
            )


def _is_high(value: Any) -> bool:
    number = as_int(value)
    return number is not None and number >= MIN_ID
