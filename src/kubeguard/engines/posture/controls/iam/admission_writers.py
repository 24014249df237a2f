"""Admission webhooks and policies cannot be changed by workloads or ordinary users.

Every write to the API passes through the cluster's admission webhooks and admission policies.
Whoever can create or change a ``MutatingWebhookConfiguration`` can point it at a server they
run and rewrite any pod that is created (add a privileged container, swap an image), and receives
a copy of every object sent to it, Secrets included. Deleting or loosening a
``ValidatingWebhookConfiguration`` or ``ValidatingAdmissionPolicy`` switches policy enforcement
off.

These objects are cluster-scoped, so only a ClusterRoleBinding grants the write; a binding fails
when its role allows create, update, patch or delete on them. Admission controllers that manage
their own configuration (cert-manager's CA injector, policy engines) will show here; name their
objects with ``resourceNames`` to keep the grant narrow.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-017",
    title="Admission webhooks and policies are not writable",
    severity=Severity.HIGH,
    remediation=(
        "Limit create/update/patch/delete on mutating/validating webhook configurations and "
        "admission policies to the controller that owns them, with resourceNames."
    ),
    refs={"cis-eks": "4.1.11", "kubescape": "C-0281", "checkov": "CKV_K8S_155", "trivy": "KSV114"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["admission"]])
