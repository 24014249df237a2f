"""aws-auth maps no IAM role or user to ``system:masters``.

Members of ``system:masters`` are cluster administrators by a rule hard-coded in the API server:
the group passes every authorization check before RBAC is consulted, so no Role, binding or
admission webhook can narrow it, and removing the person from RBAC changes nothing. On EKS, an
``aws-auth`` entry with this group turns whoever can assume the IAM role (or holds the IAM user's
keys) into such an administrator, and the grant is visible neither in RBAC nor in EKS access
entries. Bind a ClusterRole to a dedicated group instead (``cluster-admin`` only where it is
really needed), or use an EKS access entry with an access policy, so the grant can be audited and
revoked.

Every ``mapRoles`` and ``mapUsers`` entry is judged, including IAM Identity Center (``sso``)
entries and entries with wildcard role ARNs, which make every matching role an administrator.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.aws_auth import MASTERS_GROUP, read_aws_auth
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-027",
    title="aws-auth maps no IAM principal to system:masters",
    severity=Severity.CRITICAL,
    remediation=(
        "Remove system:masters from the aws-auth entry; map the principal to a group of its own "
        "and bind that group to the ClusterRole it needs, or use an EKS access entry."
    ),
    refs={"mitre": "T1078.004", "kubescape": "C-0246", "trivy": "KSV123"},
    kinds={"ConfigMap"},
)
def check(config_map: ObjectView, context: CheckContext) -> Iterator[Violation]:
    aws_auth = read_aws_auth(config_map.obj, context.inventory)
    for mapping in aws_auth.mappings if aws_auth is not None else ():
        if MASTERS_GROUP in mapping.groups:
            yield Violation(
                path=mapping.path("groups"),
                message=(
                    f"{mapping.where} makes {mapping.principal} a member of system:masters, "
                    "which bypasses RBAC"
                ),
                value=list(mapping.groups),
            )
