"""No long-lived service-account token Secrets.

A Secret of type ``kubernetes.io/service-account-token`` makes the token controller write a token
for the named ServiceAccount into it. Unlike the tokens kubelet projects into pods, that token
does not expire, is not bound to a pod, and stays valid until the Secret is deleted: whoever reads
the Secret once (a backup, a ``get secrets`` grant, a leaked manifest export) holds the account's
rights for good. Kubernetes stopped creating these Secrets automatically in 1.24 and cleans up
unused auto-created ones since 1.29. Use projected tokens in pods, or ``kubectl create token`` /
the TokenRequest API for a short-lived token outside a pod.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import Severity

TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"  # noqa: S105 - a Secret type
ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"


@control(
    id="KG-DATA-012",
    title="No long-lived service-account token Secrets",
    severity=Severity.MEDIUM,
    remediation=(
        "Delete the token Secret; give pods projected tokens (the default) and request "
        "short-lived tokens with the TokenRequest API (kubectl create token) elsewhere."
    ),
    refs={"mitre": "T1528"},
    kinds={"Secret"},
)
def check(secret: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if as_str(secret.field("type")) != TOKEN_SECRET_TYPE:
        return
    account = as_str(secret.obj.annotations.get(ACCOUNT_ANNOTATION)) or "(unnamed)"
    yield Violation(
        path=("type",),
        message=(
            f"Secret holds a non-expiring token for ServiceAccount "
            f"{secret.obj.effective_namespace}/{account}"
        ),
        value=TOKEN_SECRET_TYPE,
    )
