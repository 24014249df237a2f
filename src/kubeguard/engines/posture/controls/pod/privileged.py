"""Containers must not run privileged.

A privileged container has every capability, sees every host device and is not confined by
seccomp, AppArmor or SELinux: it is root on the node. Pod Security Standards baseline forbids
``securityContext.privileged: true`` on every container, init and ephemeral ones included.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-001",
    title="Containers are not privileged",
    severity=Severity.CRITICAL,
    remediation="Remove securityContext.privileged or set it to false on every container.",
    refs={
        "pss": "privileged",
        "cis-eks": "4.2.1",
        "nsa": "Pod security: non-root, no privileged containers",
        "mitre": "T1611",
        "kubescape": ("C-0057", "C-0193"),
        "checkov": "CKV_K8S_16",
        "trivy": "KSV017",
        "polaris": "runAsPrivileged",
        "kube-score": "container-security-context-privileged",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        if container.security("privileged") is True:
            yield Violation(
                path=container.path("securityContext", "privileged"),
                message=f"privileged ({container.group[:-1]} {container.name!r})",
                value=True,
            )
