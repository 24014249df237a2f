"""The aws-auth ConfigMap is read as aws-iam-authenticator reads it; bad input is reported, not raised."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.aws_auth import is_aws_auth, parse_aws_auth, templates_in
from kubeguard.model import K8sObject, SourceLocation


def _aws_auth(data: Any, namespace: str = "kube-system") -> K8sObject:
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": namespace},
        "data": data,
    }
    return K8sObject(manifest, SourceLocation("aws-auth.yaml"))


def test_entries_know_their_line_within_the_value() -> None:
    roles = (
        "# nodes first\n"
        "- rolearn: arn:aws:iam::111122223333:role/nodes\n"
        "  groups: [system:nodes]\n"
        "\n"
        "- RoleArn: arn:aws:iam::111122223333:role/admin\n"
        "  USERNAME: admin\n"
    )
    parsed = parse_aws_auth(_aws_auth({"mapRoles": roles}))
    assert [(m.index, m.line, m.arn) for m in parsed.mappings] == [
        (0, 2, "arn:aws:iam::111122223333:role/nodes"),
        (1, 5, "arn:aws:iam::111122223333:role/admin"),
    ]
    assert parsed.mappings[1].username == "admin"
    assert parsed.mappings[1].where == "mapRoles[1] (line 5 of the value)"
    assert parsed.mappings[1].path("groups") == ("data", "mapRoles", 1, "groups")
    assert parsed.unreadable == ()


def test_groups_keep_only_strings_and_accounts_accept_numbers() -> None:
    parsed = parse_aws_auth(
        _aws_auth(
            {
                "mapUsers": "- userarn: arn:aws:iam::111122223333:user/a\n  groups: [a, 1, null]\n",
                "mapAccounts": "- 111122223333\n- '444455556666'\n- 12\n- true\n",
            }
        )
    )
    assert parsed.mappings[0].groups == ("a",)
    assert [a.account_id for a in parsed.accounts] == ["111122223333", "444455556666", None, None]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not a mapping", "data is not a mapping"),
        ({"mapRoles": ["- a list, not a string"]}, "mapRoles is a list, not a string"),
        ({"mapRoles": "- rolearn: [unclosed"}, "mapRoles (line 2 of the value): invalid YAML"),
        ({"mapUsers": "just text"}, "mapUsers holds a string, not a list"),
        ({"mapRoles": "- just text"}, "mapRoles[0] (line 1 of the value) is not a mapping"),
        ({"mapRoles": "- &a [*a]"}, "recursive alias"),
    ],
)
def test_unreadable_sections_are_reported(data: Any, message: str) -> None:
    parsed = parse_aws_auth(_aws_auth(data))
    assert parsed.mappings == ()
    assert any(message in problem.message for problem in parsed.unreadable), parsed.unreadable


def test_alias_bombs_are_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = "- " + "\n  ".join(lines)
    parsed = parse_aws_auth(_aws_auth({"mapRoles": bomb}))
    assert any("alias" in problem.message for problem in parsed.unreadable)


@pytest.mark.parametrize("blank", ["", "  \n", '""', "``", "null", "~"])
def test_blank_sections_map_nothing(blank: str) -> None:
    parsed = parse_aws_auth(_aws_auth({"mapRoles": blank, "mapUsers": blank}))
    assert parsed.mappings == ()
    assert parsed.unreadable == ()


def test_only_the_kube_system_config_map_is_aws_auth() -> None:
    assert is_aws_auth(_aws_auth({}))
    assert not is_aws_auth(_aws_auth({}, namespace="default"))


def test_templates_are_found_whether_known_or_not() -> None:
    assert list(templates_in("a:{{SessionName}}:{{Nope}}:{{open")) == [
        "{{SessionName}}",
        "{{Nope}}",
    ]
    assert list(templates_in("plain")) == []
