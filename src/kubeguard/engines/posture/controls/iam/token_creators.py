"""ServiceAccount tokens are not created on request by other subjects.

``create`` on ``serviceaccounts/token`` (the TokenRequest API) issues a fresh token for any
ServiceAccount of the namespace it is granted in (every namespace, through a ClusterRoleBinding),
and the token carries that account's permissions for its whole lifetime. A subject with the grant
is as powerful as the most powerful account in reach.

Judged on the binding that grants it; a rule limited by ``resourceNames`` to named accounts
passes, as does the kubelet's own default grant. The default ``edit`` and ``admin`` roles include
the permission, so their bindings report here too.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-020",
    title="No creation of ServiceAccount tokens",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove create on serviceaccounts/token, or limit it with resourceNames to the accounts "
        "the subject must mint tokens for."
    ),
    refs={"cis-eks": "4.1.12", "kubescape": "C-0282"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["create-tokens"]])
