"""The ``default`` ServiceAccount of a namespace does not automount its token.

Pods that name no ServiceAccount run as ``default``, and unless it sets
``automountServiceAccountToken: false`` each of them gets an API token mounted at
``/var/run/secrets/kubernetes.io/serviceaccount``. Most never call the API, so the token only
serves an attacker who gets code execution in the pod. Turning automount off on ``default``
makes the safe choice the default; a pod that does need the API should use its own
ServiceAccount (see KG-IAM-010) or opt in with ``automountServiceAccountToken: true``.

This is the ServiceAccount half of the CIS "default service accounts are not actively used"
item; KG-IAM-010 is the pod-spec half. They are two controls because a control judges one kind of
subject. ServiceAccounts with other names pass here; their tokens are judged where they are
mounted, by KG-IAM-011.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.service_accounts import AUTOMOUNT_FIELD, DEFAULT_SERVICE_ACCOUNT
from kubeguard.engines.posture.views import ObjectView, as_bool
from kubeguard.model import Severity


@control(
    id="KG-IAM-028",
    title="Default ServiceAccounts do not automount tokens",
    severity=Severity.MEDIUM,
    remediation=(
        "Set automountServiceAccountToken: false on the default ServiceAccount of every namespace."
    ),
    refs={
        "cis-eks": "4.1.5",
        "kubescape": "C-0189",
        "checkov": "CKV_K8S_41",
        "hardeneks": "disable_service_account_token_mounts",
    },
    kinds={"ServiceAccount"},
)
def check(account: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if account.obj.name != DEFAULT_SERVICE_ACCOUNT:
        return
    setting = account.field(AUTOMOUNT_FIELD)
    if as_bool(setting) is False:
        return
    if setting is None:
        how = "unset"
    elif setting is True:
        how = "true"
    else:
        how = f"{setting!r}, not a boolean"
    yield Violation(
        path=(AUTOMOUNT_FIELD,),
        message=(
            f"the default ServiceAccount of namespace {account.obj.effective_namespace!r} "
            f"automounts its token into every pod that names no other ({AUTOMOUNT_FIELD} is {how})"
        ),
        value=setting,
    )
