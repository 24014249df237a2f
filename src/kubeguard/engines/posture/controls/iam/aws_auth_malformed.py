"""Every aws-auth entry is one the authenticator can read and match.

aws-iam-authenticator decodes ``mapRoles``, ``mapUsers`` and ``mapAccounts`` from YAML held in
strings. A value that is not valid YAML, or not a list, loses its whole section: when that is
``mapRoles``, nodes stop joining and admins are locked out. A single bad entry is dropped or never
matches, so the access someone thinks they granted (or revoked) is not the one in force. Reported:

- a section that is not valid YAML, not a list, or an entry that is not a mapping;
- an entry without ``rolearn``/``userarn`` (``mapRoles`` may use ``sso`` instead), or with both
  ``rolearn`` and ``sso``;
- an ARN that is not an IAM role (``mapRoles``) or user (``mapUsers``) ARN: wrong partition,
  account or resource type, an STS session ARN, an instance-profile ARN;
- a role ARN with a path: the authenticator compares the caller's role ARN without its path,
  so such an entry never matches (the EKS documentation says to leave the path out);
- a ``userarn`` with wildcards, which the authenticator compares literally;
- ``groups`` that is not a list of strings, a ``username`` that is not a string, and ``{{…}}``
  placeholders the authenticator does not fill in (they stay literal text); ``{{EC2PrivateDNSName}}``
  in ``mapUsers``, where it can never be filled in;
- the same ARN twice in a section: only the last entry takes effect;
- ``mapAccounts`` entries that are not 12-digit account ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubeguard.engines.posture.arns import ACCOUNT_ID, ArnProblem, parse_iam_arn
from kubeguard.engines.posture.aws_auth import (
    ROLES,
    USERNAME_TEMPLATES,
    USERS,
    AccountEntry,
    IdentityMapping,
    read_aws_auth,
    templates_in,
)
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_mapping, as_str
from kubeguard.model import Severity

#: IAM resource types each section maps.
EXPECTED_TYPES = {ROLES: frozenset({"role"}), USERS: frozenset({"user", "root"})}
#: The template aws-iam-authenticator fills in only for EC2 instance sessions of a role.
INSTANCE_TEMPLATE = "{{EC2PrivateDNSName}}"
#: IAM Identity Center ``PermissionSet`` names.
_PERMISSION_SET = re.compile(r"[\w+=,.@-]{1,32}", re.ASCII)


@control(
    id="KG-IAM-041",
    title="aws-auth entries are well-formed",
    severity=Severity.MEDIUM,
    remediation=(
        "Fix the aws-auth entry: valid YAML list, rolearn/userarn with the exact IAM ARN (role "
        "ARNs without their path), groups as a list of strings, only known username templates."
    ),
    refs={"mitre": "T1078.004"},
    kinds={"ConfigMap"},
)
def check(config_map: ObjectView, context: CheckContext) -> Iterator[Violation]:
    aws_auth = read_aws_auth(config_map.obj, context.inventory)
    if aws_auth is None:
        return
    for problem in aws_auth.unreadable:
        yield Violation(path=problem.path, message=problem.message, value=problem.value)
    seen: dict[tuple[str, str], IdentityMapping] = {}
    for mapping in aws_auth.mappings:
        yield from _principal(mapping)
        yield from _groups(mapping)
        yield from _username(mapping)
        arn = as_str(mapping.arn)
        if arn:
            earlier = seen.get((mapping.section, arn.lower()))
            if earlier is not None:
                yield Violation(
                    path=mapping.path(),
                    message=(
                        f"{mapping.where} repeats the ARN of {earlier.where}; only the last "
                        "entry for an ARN takes effect"
                    ),
                    value=arn,
                )
            seen[(mapping.section, arn.lower())] = mapping
    for account in aws_auth.accounts:
        yield from _account(account)


def _principal(mapping: IdentityMapping) -> Iterator[Violation]:
    key = "rolearn" if mapping.section == ROLES else "userarn"
    arn = mapping.arn
    if mapping.is_sso:
        if arn is not None:
            yield _bad(mapping, key, "has both rolearn and sso; the authenticator rejects it")
        else:
            yield from _sso(mapping)
        return
    if arn is None:
        yield _bad(
            mapping, (), f"has no {key}" + (" (nor sso)" if mapping.section == ROLES else "")
        )
        return
    if not isinstance(arn, str):
        yield _bad(mapping, key, f"has a {key} that is not a string")
        return
    parsed = parse_iam_arn(arn, EXPECTED_TYPES[mapping.section], wildcards=mapping.section == ROLES)
    if isinstance(parsed, ArnProblem):
        yield _bad(mapping, key, f"{key} {arn} {parsed.reason}", arn)
    elif mapping.section == USERS and parsed.has_wildcard:
        yield _bad(mapping, key, f"userarn {arn} has wildcards, which are compared literally", arn)
    elif mapping.section == ROLES and parsed.has_path and not parsed.has_wildcard:
        yield _bad(
            mapping,
            key,
            f"rolearn {arn} has the path {parsed.path}; the authenticator matches role ARNs "
            "without their path, so this entry never matches",
            arn,
        )


def _sso(mapping: IdentityMapping) -> Iterator[Violation]:
    sso = {str(key).lower(): value for key, value in as_mapping(mapping.fields.get("sso")).items()}
    account = as_str(sso.get("accountid"))
    permission_set = as_str(sso.get("permissionsetname"))
    if account is None or not ACCOUNT_ID.fullmatch(account):
        yield _bad(mapping, "sso", "has an sso entry without a 12-digit accountID")
    if permission_set is None or not _PERMISSION_SET.fullmatch(permission_set):
        yield _bad(mapping, "sso", "has an sso entry without a valid permissionSetName")


def _groups(mapping: IdentityMapping) -> Iterator[Violation]:
    groups = mapping.fields.get("groups")
    if groups is None:
        return
    if not isinstance(groups, list):
        yield _bad(mapping, "groups", "has groups that are not a list", groups)
        return
    for index, group in enumerate(groups):
        if not isinstance(group, str):
            yield _bad(mapping, ("groups", index), f"has groups[{index}] that is not a string")


def _username(mapping: IdentityMapping) -> Iterator[Violation]:
    raw = mapping.fields.get("username")
    if raw is None:
        return
    if not isinstance(raw, str):
        yield _bad(mapping, "username", "has a username that is not a string")
        return
    for template in templates_in(raw):
        if template not in USERNAME_TEMPLATES:
            yield _bad(
                mapping,
                "username",
                f"has {template} in its username, which the authenticator leaves as literal text",
                raw,
            )
        elif template == INSTANCE_TEMPLATE and mapping.section == USERS:
            yield _bad(
                mapping,
                "username",
                f"uses {template} for an IAM user; it is filled in only for EC2 instance roles",
                raw,
            )


def _account(account: AccountEntry) -> Iterator[Violation]:
    if account.account_id is None:
        yield Violation(
            path=account.path,
            message=f"mapAccounts[{account.index}] is {account.value!r}, not a 12-digit account id",
            value=account.value,
        )


def _bad(
    mapping: IdentityMapping, field: str | tuple[str | int, ...], what: str, value: object = None
) -> Violation:
    parts = (field,) if isinstance(field, str) else field
    return Violation(path=mapping.path(*parts), message=f"{mapping.where} {what}", value=value)
