"""The aws-auth ConfigMap is not readable by ordinary subjects.

``kube-system/aws-auth`` lists the IAM roles and users that may sign in to the cluster and the
Kubernetes groups each is mapped to. Reading it tells an attacker which AWS principals to go
after for cluster-admin access, and the account ids and role names of the node groups.

Judged on the binding that grants ``get`` on ``aws-auth``, or ``list`` or ``watch`` on
ConfigMaps (which return every ConfigMap's content), in ``kube-system`` or cluster-wide.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-047",
    title="The aws-auth ConfigMap is not readable",
    severity=Severity.LOW,
    remediation=(
        "Do not grant get, list or watch on configmaps in kube-system or cluster-wide; grant "
        "get with resourceNames on the ConfigMaps a subject needs."
    ),
    refs={"mitre": "T1087"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["read-aws-auth"]])
