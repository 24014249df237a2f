"""Pods and containers must not ask to run as UID 0.

``runAsUser: 0`` makes the container's processes root, overriding a non-root user baked into
the image. Pod Security Standards restricted, from policy v1.23, forbids an explicit
``runAsUser: 0`` in the pod's and every container's ``securityContext`` (unset is fine: the
runAsNonRoot check covers it). From v1.35 a pod with ``spec.hostUsers: false`` passes, UID 0 in
its user namespace mapping to an unprivileged user on the node.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    forbidden_value_violations,
    user_namespace_relaxed,
)
from kubeguard.engines.posture.views import WorkloadView, as_int
from kubeguard.model import Severity

RUN_AS_USER = SecurityField(("runAsUser",))


@control(
    id="KG-POD-019",
    title="Containers do not run as UID 0",
    severity=Severity.MEDIUM,
    remediation="Set runAsUser to a non-zero UID (or leave it unset) in the pod and container "
    "securityContext.",
    refs={
        "pss": "runAsUser",
        "checkov": "CKV_K8S_40",
        "trivy": ("KSV105", "KSV020", "KSV021", "KSV116"),
        "kube-score": "container-security-context-user-group-id",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if user_namespace_relaxed(workload, context):
        return
    yield from forbidden_value_violations(
        "runAsUser=0", workload, RUN_AS_USER, lambda value: as_int(value) != 0
    )
