"""Events, logs and workloads are not deletable by ordinary subjects.

Deleting Events (of the core or ``events.k8s.io`` group) or pod logs removes the in-cluster
record of what an attacker did, before anyone has looked at it. Deleting pods, workload
controllers, Services or PersistentVolumeClaims takes applications down and, for claims whose
volumes are reclaimed on delete, destroys their data. Both belong to automation with a narrow
purpose, not to people or applications.

Judged on the binding that grants ``delete`` or ``deletecollection``, anywhere. The default
``edit`` and ``admin`` roles include workload deletion, so their bindings report here too; the
severity is low because such access is often intended, but it should be a decision.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-023",
    title="No deletion of events, logs or workloads",
    severity=Severity.LOW,
    remediation=(
        "Remove delete and deletecollection on events, pods/log and workloads; let a deployment "
        "pipeline or a break-glass binding do deletions."
    ),
    refs={"mitre": ("T1070", "T1485"), "kubescape": ("C-0007", "C-0031"), "trivy": "KSV042"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(
        binding, context, [RISKS_BY_KEY["delete-events"], RISKS_BY_KEY["delete-workloads"]]
    )
