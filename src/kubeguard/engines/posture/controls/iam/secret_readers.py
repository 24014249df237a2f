"""Secrets are not readable cluster-wide or in kube-system.

A subject that can ``get``, ``list`` or ``watch`` Secrets reads their contents: database
passwords, cloud keys, TLS keys and, in clusters that still have them, ServiceAccount token
Secrets that act as those accounts. ``list`` and ``watch`` return every Secret in full, so they
are no weaker than ``get``. Granted by a ClusterRoleBinding, the read covers every namespace;
granted in ``kube-system``, it covers the credentials of the cluster's own components. Both are
reported; reads confined to an application's own namespace are left to KG-DATA-010 when broad
groups hold them. A rule limited by ``resourceNames`` to named Secrets is a deliberate, narrow
grant and passes.

Judged on RoleBindings and ClusterRoleBindings, with the role and rule named, because the binding
is where the grant happens; wildcards (``*`` verbs or resources) count as the read they allow.
Bindings Kubernetes and EKS ship (bootstrap label, ``eks:`` names) are judged only for subjects
added to them.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import KUBE_SYSTEM, RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-004",
    title="Secrets are not readable cluster-wide or in kube-system",
    severity=Severity.HIGH,
    remediation=(
        "Grant get on the named Secrets the workload needs (resourceNames) in its own namespace "
        "instead of get/list/watch on all Secrets through a ClusterRoleBinding or in kube-system."
    ),
    refs={
        "cis-eks": "4.1.2",
        "mitre": "T1552.007",
        "kubescape": ("C-0186", "C-0015"),
        "trivy": ("KSV041", "KSV113"),
    },
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(
        binding,
        context,
        [RISKS_BY_KEY["read-secrets"]],
        where=lambda namespace: namespace in (None, KUBE_SYSTEM),
    )
