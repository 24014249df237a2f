"""aws-auth maps single IAM principals, not whole accounts or wildcard patterns.

Two kinds of ``aws-auth`` entry let in principals nobody listed:

- an account id under ``mapAccounts`` lets every IAM user and role of that account authenticate,
  as its own ARN and with no groups. Whatever RBAC grants ``system:authenticated`` then applies to
  all of them, and any binding to a user named after an ARN of that account takes effect for
  whoever can create such a user or role;
- a ``rolearn`` with ``*`` or ``?``: aws-iam-authenticator matches role ARNs with
  wildcards as IAM's ``ArnLike`` does, so every role whose ARN fits, including roles created
  later by anyone with ``iam:CreateRole`` in that account, gets the entry's username and groups.

Map each role or user by its exact ARN (for IAM Identity Center, use the ``sso`` entry with the
permission set), or move to EKS access entries, which name one principal each.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.arns import WILDCARDS
from kubeguard.engines.posture.aws_auth import ROLES, read_aws_auth
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import Severity


@control(
    id="KG-IAM-040",
    title="aws-auth maps single principals, not accounts or ARN patterns",
    severity=Severity.HIGH,
    remediation=(
        "Remove mapAccounts entries and wildcard ARNs from aws-auth; map each IAM role or user "
        "by its exact ARN, or use EKS access entries."
    ),
    refs={"mitre": "T1078.004"},
    kinds={"ConfigMap"},
)
def check(config_map: ObjectView, context: CheckContext) -> Iterator[Violation]:
    aws_auth = read_aws_auth(config_map.obj, context.inventory)
    if aws_auth is None:
        return
    for account in aws_auth.accounts:
        if account.account_id is None:
            continue  # not an account id: malformed (KG-IAM-041), and it matches nobody
        yield Violation(
            path=account.path,
            message=(
                f"mapAccounts[{account.index}] lets every IAM user and role of account "
                f"{account.account_id} authenticate to the cluster"
            ),
            value=account.value,
        )
    for mapping in aws_auth.mappings:
        arn = as_str(mapping.arn)
        # Only role ARNs are matched as patterns; a wildcard user ARN never matches (KG-IAM-041).
        if mapping.section != ROLES or arn is None:
            continue
        if any(character in WILDCARDS for character in arn):
            groups = ", ".join(mapping.groups) or "no groups"
            yield Violation(
                path=mapping.path(),
                message=(
                    f"{mapping.where} maps every IAM principal matching {arn} (groups: {groups})"
                ),
                value=arn,
            )
