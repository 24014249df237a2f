"""Pods and containers must declare a security context.

A pod or container without ``securityContext`` runs with whatever the image and the runtime
default to: often root, a writable root filesystem, privilege escalation allowed and the
runtime's default capabilities. Declaring the context at both levels makes those choices
explicit and reviewable, and is where the other pod hardening settings go. An empty mapping
(``securityContext: {}``) declares nothing and counts as missing. Each missing context is one
finding: the pod's, and each container's (init and ephemeral ones included).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.security_contexts import security_context_owners
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-022",
    title="Pods and containers declare a security context",
    severity=Severity.LOW,
    remediation=(
        "Add spec.securityContext (runAsNonRoot, runAsUser, seccompProfile) and a "
        "securityContext on every container (allowPrivilegeEscalation: false, "
        "readOnlyRootFilesystem: true, capabilities.drop: [ALL])."
    ),
    refs={
        "kubescape": "C-0211",
        "checkov": ("CKV_K8S_29", "CKV_K8S_30"),
        "trivy": "KSV118",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for owner in security_context_owners(workload):
        if not owner.context:
            yield Violation(
                path=owner.context_path,
                message=f"{owner.label} declares no securityContext",
            )
