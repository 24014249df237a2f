"""IAM ARNs are checked field by field, with the reason in words a finding can carry."""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.arns import ArnProblem, IamArn, parse_iam_arn

ROLE = frozenset({"role"})
USER = frozenset({"user", "root"})


@pytest.mark.parametrize(
    ("text", "partition", "path", "name"),
    [
        ("arn:aws:iam::111122223333:role/app", "aws", "/", "app"),
        ("arn:aws-cn:iam::111122223333:role/a/b/app", "aws-cn", "/a/b/", "app"),
        (
            "arn:aws-us-gov:iam::111122223333:role/A+b=c,d.e@f_g-h",
            "aws-us-gov",
            "/",
            "A+b=c,d.e@f_g-h",
        ),
        ("arn:aws-iso-b:iam::111122223333:role/app", "aws-iso-b", "/", "app"),
    ],
)
def test_role_arns_are_parsed(text: str, partition: str, path: str, name: str) -> None:
    parsed = parse_iam_arn(text, ROLE)
    assert parsed == IamArn(partition, "111122223333", "role", path, name)
    assert parsed.has_path is (path != "/")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("role/app", "is not an ARN"),
        ("arn:aws:iam::111122223333", "is not an ARN"),
        ("arn:azure:iam::111122223333:role/app", "partition 'azure'"),
        ("arn:aws:iam::1111222233:role/app", "not a 12-digit account id"),
        ("arn:aws:iam::11112222333a:role/app", "not a 12-digit account id"),
        ("arn:aws:iam:us-east-1:111122223333:role/app", "region 'us-east-1'"),
        ("arn:aws:s3::111122223333:role/app", "service 's3'"),
        ("arn:aws:sts::111122223333:assumed-role/app/session", "STS session ARN"),
        ("arn:aws:iam::111122223333:instance-profile/nodes", "instance-profile ARN"),
        ("arn:aws:iam::111122223333:user/alice", "resource type 'user', not role"),
        ("arn:aws:iam::111122223333:role/", "has no role name"),
        ("arn:aws:iam::111122223333:role/app name", "not 1-64 letters"),
        ("arn:aws:iam::111122223333:role/" + "a" * 65, "not 1-64 letters"),
        ("arn:aws:iam::111122223333:role/a//app", "empty segment"),
        ("arn:aws:iam::111122223333:role/app*", "not 1-64 letters"),
    ],
)
def test_bad_role_arns_say_why(text: str, reason: str) -> None:
    parsed = parse_iam_arn(text, ROLE)
    assert isinstance(parsed, ArnProblem)
    assert reason in parsed.reason


def test_wildcards_are_accepted_only_when_asked() -> None:
    parsed = parse_iam_arn("arn:aws:iam::111122223333:role/dev-*/x?", ROLE, wildcards=True)
    assert isinstance(parsed, IamArn)
    assert parsed.has_wildcard
    assert isinstance(parse_iam_arn("arn:aws:iam::111122223333:role/dev-*", ROLE), ArnProblem)


def test_user_and_root_arns() -> None:
    assert parse_iam_arn("arn:aws:iam::111122223333:root", USER) == IamArn(
        "aws", "111122223333", "root", "/", ""
    )
    assert isinstance(parse_iam_arn("arn:aws:iam::111122223333:root/x", USER), ArnProblem)
    user = parse_iam_arn("arn:aws:iam::111122223333:user/team/alice", USER)
    assert isinstance(user, IamArn)
    assert (user.path, user.name) == ("/team/", "alice")
