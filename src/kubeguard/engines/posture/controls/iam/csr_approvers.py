"""Nobody may approve CertificateSigningRequests for API-server client certificates.

A client certificate signed by ``kubernetes.io/kube-apiserver-client`` authenticates whoever holds
its key as the user and groups in its subject, ``system:masters`` included, for as long as it is
valid, and certificates cannot be revoked. Approving such a request needs ``update`` on
``certificatesigningrequests/approval`` and ``approve`` on the signer (by name, or
``kubernetes.io/*``); a subject with both can issue itself cluster-admin.

Both are cluster-scoped: a ClusterRoleBinding whose role grants both fails. The default
approvers of kubelet certificates (bootstrap-labelled) are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-021",
    title="No approval of API-server client certificates",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove update on certificatesigningrequests/approval or approve on signers from the "
        "role; leave certificate approval to the control plane."
    ),
    refs={"kubescape": "C-0280", "checkov": "CKV_K8S_156"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["approve-csrs"]])
