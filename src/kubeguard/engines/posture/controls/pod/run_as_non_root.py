"""Pods must require their containers to run as a non-root user.

With ``runAsNonRoot: true`` the kubelet refuses to start a container whose user is UID 0, whatever
the image says; without it, most images run as root, and root in a container is one kernel or
runtime bug away from root on the node. Pod Security Standards restricted requires
``runAsNonRoot: true`` at pod level, or else on every container, and forbids an explicit
``false`` anywhere; a non-zero ``runAsUser`` does not satisfy it. From policy v1.35 a pod with
``spec.hostUsers: false`` passes, its root being unprivileged outside its user namespace.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    required_value_violations,
    user_namespace_relaxed,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

RUN_AS_NON_ROOT = SecurityField(("runAsNonRoot",))


@control(
    id="KG-POD-018",
    title="Containers must run as non-root",
    severity=Severity.MEDIUM,
    remediation="Set spec.securityContext.runAsNonRoot: true and run the image as a non-zero UID.",
    refs={
        "pss": "runAsNonRoot",
        "kubescape": ("C-0013", "C-0198"),
        "hardeneks": "disable_run_as_root_user",
        "checkov": "CKV_K8S_23",
        "trivy": "KSV012",
        "polaris": "runAsRootAllowed",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if user_namespace_relaxed(workload, context):
        return
    yield from required_value_violations(
        "runAsNonRoot != true", workload, RUN_AS_NON_ROOT, lambda value: value is True, "true"
    )
