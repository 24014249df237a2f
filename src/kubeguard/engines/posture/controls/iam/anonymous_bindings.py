"""Nothing is granted to anonymous users, and all authenticated users get only the defaults.

The API server maps requests without credentials to the user ``system:anonymous`` in the group
``system:unauthenticated`` (unless anonymous authentication is off). Anything bound to them is
open to whoever can reach the API endpoint, which on EKS is often the internet. The group
``system:authenticated`` holds every identity the cluster accepts, and on EKS that includes
every IAM principal mapped in (``mapAccounts`` maps a whole AWS account); a grant to it is a
grant to everyone.

A binding fails for each such subject, except the pairings Kubernetes itself makes:
``system:public-info-viewer`` for both groups (health and version endpoints), and
``system:basic-user`` and ``system:discovery`` for ``system:authenticated``.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, scope_of, subject_violations
from kubeguard.engines.posture.rbac.defaults import DEFAULT_BROAD_GRANTS
from kubeguard.engines.posture.rbac.index import CLUSTER_ROLE, Binding
from kubeguard.engines.posture.rbac.subjects import (
    ANONYMOUS,
    AUTHENTICATED,
    UNAUTHENTICATED,
    Subject,
)
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

JUDGED = {Subject.user(ANONYMOUS), Subject.group(UNAUTHENTICATED), Subject.group(AUTHENTICATED)}


@control(
    id="KG-IAM-008",
    title="No grants to anonymous or all authenticated users",
    severity=Severity.CRITICAL,
    remediation=(
        "Remove system:anonymous, system:unauthenticated and system:authenticated from the "
        "binding's subjects; bind the users or groups that need the role instead."
    ),
    refs={
        "mitre": "T1078.001",
        "kubescape": ("C-0262", "C-0265"),
        "hardeneks": (
            "disable_anonymous_access_for_cluster_roles",
            "disable_anonymous_access_for_roles",
        ),
        "trivy": "KSV122",
    },
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    def judge(resolved: Binding, subject: Subject) -> str | None:
        if subject not in JUDGED:
            return None
        ref = resolved.role_ref
        if ref is not None and ref.kind == CLUSTER_ROLE:
            group = UNAUTHENTICATED if subject.name == ANONYMOUS else subject.name
            if (group, ref.name) in DEFAULT_BROAD_GRANTS:
                return None
        role = str(ref) if ref is not None else "a role"
        return f"{subject} ({subject.members}) is granted {role} {scope_of(resolved)}"

    yield from subject_violations(binding, context, judge)
