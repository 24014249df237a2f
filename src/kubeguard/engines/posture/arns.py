"""IAM ARNs as EKS reads them: the role and user ARNs of aws-auth and of IRSA annotations.

An IAM ARN is ``arn:<partition>:iam::<account>:<type>/<path><name>``: the region is empty, the
account is twelve digits, and a role or user name is 1-64 characters of letters, digits and
``+=,.@_-`` (the IAM ``RoleName``/``UserName`` pattern). The path is ``/`` or ``/segment/…/``,
of printable ASCII (IAM identifiers reference). Partitions are the commercial ``aws``, China
``aws-cn`` and GovCloud ``aws-us-gov``, plus the isolated ones (``aws-iso``, ``aws-iso-b``,
``aws-iso-e``, ``aws-iso-f``, ``aws-eusc``) that the same services run in.

:func:`parse_iam_arn` says what is wrong with a string in words a finding can carry, and
recognises the two mistakes seen most in practice: the STS session ARN of an assumed role, and an
instance-profile ARN where the role's ARN belongs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
#: IAM ``RoleName`` / ``UserName``: 1-64 of these characters.
_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
#: Wildcards aws-iam-authenticator's ``ArnLike`` matching understands in ``rolearn``.
WILDCARDS = frozenset("*?")
#: An AWS account id.
ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
_PATH_SEGMENT = re.compile(r"[\x21-\x2e\x30-\x7e]+")
#: Longest path IAM accepts, slashes included.
_MAX_PATH = 512


@dataclass(frozen=True, slots=True)
class IamArn:
    """A well-formed IAM ARN of a role, a user or an account root."""

    partition: str
    account: str
    resource_type: str
    """``role``, ``user`` or ``root``."""
    path: str
    """``/`` when the ARN has no path, else ``/a/b/``."""
    name: str
    """The role or user name; empty for ``root``."""

    @property
    def has_path(self) -> bool:
        """Whether the ARN carries a path other than ``/``."""
        return self.path != "/"

    @property
    def has_wildcard(self) -> bool:
        """Whether the name or path holds ``*`` or ``?``."""
        return any(character in WILDCARDS for character in self.path + self.name)


@dataclass(frozen=True, slots=True)
class ArnProblem:
    """Why a string is not the IAM ARN that was expected."""

    reason: str


def parse_iam_arn(
    text: str, expected: frozenset[str], *, wildcards: bool = False
) -> IamArn | ArnProblem:
    """``text`` as an IAM ARN of one of the ``expected`` types (``role``, ``user``, ``root``).

    With ``wildcards``, ``*`` and ``?`` may stand for name and path characters, as
    aws-iam-authenticator's ``ArnLike`` matching allows in ``rolearn``.
    """
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return ArnProblem("is not an ARN (arn:<partition>:iam::<account>:<type>/<name>)")
    _, partition, service, region, account, resource = parts
    if partition not in PARTITIONS:
        return ArnProblem(
            f"has partition {partition!r}, not an AWS partition (aws, aws-cn, aws-us-gov …)"
        )
    if service == "sts" and resource.startswith("assumed-role/"):
        return ArnProblem("is the STS session ARN of an assumed role, not the role's IAM ARN")
    if service != "iam":
        return ArnProblem(f"names service {service!r}, not iam")
    if region:
        return ArnProblem(f"has region {region!r}; IAM ARNs have none")
    if not ACCOUNT_ID.fullmatch(account):
        return ArnProblem(f"has account {account!r}, not a 12-digit account id")
    resource_type, _, rest = resource.partition("/")
    if resource_type == "instance-profile" and "role" in expected:
        return ArnProblem("is an instance-profile ARN; the role inside the profile is meant")
    if resource_type not in expected:
        wanted = " or ".join(sorted(expected))
        return ArnProblem(f"names resource type {resource_type!r}, not {wanted}")
    if resource_type == "root":
        if rest or "/" in resource:
            return ArnProblem("has text after 'root'")
        return IamArn(partition, account, "root", "/", "")
    return _named(partition, account, resource_type, rest, wildcards=wildcards)


def _named(
    partition: str, account: str, resource_type: str, rest: str, *, wildcards: bool
) -> IamArn | ArnProblem:
    path, _, name = rest.rpartition("/")
    path = f"/{path}/" if path else "/"
    checked_name = _without_wildcards(name) if wildcards else name
    if not name:
        return ArnProblem(f"has no {resource_type} name")
    if checked_name and not _NAME.fullmatch(checked_name):
        return ArnProblem(
            f"has {resource_type} name {name!r}, which is not 1-64 letters, digits or +=,.@_-"
        )
    if len(name) > 64:
        return ArnProblem(f"has a {resource_type} name longer than 64 characters")
    if len(path) > _MAX_PATH:
        return ArnProblem(f"has a path longer than {_MAX_PATH} characters")
    segments = path[1:-1].split("/") if path != "/" else []
    for segment in segments:
        checked = _without_wildcards(segment) if wildcards else segment
        if not segment or (checked and not _PATH_SEGMENT.fullmatch(checked)):
            return ArnProblem(f"has path {path!r} with an empty segment or non-printable text")
    return IamArn(partition, account, resource_type, path, name)


def _without_wildcards(text: str) -> str:
    return "".join(character for character in text if character not in WILDCARDS)
