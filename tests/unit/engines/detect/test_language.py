"""The rule language: what loads, what it means, and how every mistake is reported."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kubeguard.engines.detect import Detector, RuleSet, RuleSetError, load_rules
from kubeguard.engines.detect.language import parse_duration
from kubeguard.model import AuditEvent, Severity

HEADER = """\
title: {title}
id: {id}
status: experimental
logsource: {{product: kubernetes, service: audit}}
level: {level}
"""


def rule_text(
    detection: str,
    *,
    title: str = "Test rule",
    rule_id: str = "11111111-2222-4333-8444-555555555555",
    level: str = "medium",
    extra: str = "",
) -> str:
    head = HEADER.format(title=title, id=rule_id, level=level)
    return (
        head
        + "detection:\n"
        + textwrap.indent(textwrap.dedent(detection).strip(), "  ")
        + "\n"
        + extra
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_one(tmp_path: Path, detection: str, **kw: Any) -> RuleSet:
    write(tmp_path, "rule.yml", rule_text(detection, **kw))
    return load_rules([tmp_path])


def fires(rule_set: RuleSet, data: dict[str, Any], lists: Any = None) -> bool:
    user_rules = RuleSet(
        tuple(rule for rule in rule_set.rules if not rule.builtin), rule_set.lists, rule_set.macros
    )
    event = AuditEvent({"auditID": "x", "stage": "ResponseComplete", "verb": "get", **data})
    return bool(Detector(user_rules, lists).matches(event))


def problems(tmp_path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_rules([tmp_path])
    return [str(error) for error in caught.value.errors]


def test_a_sigmahq_kubernetes_rule_loads_unchanged(tmp_path: Path) -> None:
    # SigmaHQ/sigma rules/application/kubernetes/audit/kubernetes_audit_exec_into_container.yml
    write(
        tmp_path,
        "sigma.yml",
        """\
title: Potential Remote Command Execution In Pod Container
id: a1b0ca4e-7835-413e-8471-3ff2b8a66be6
status: test
description: Detects attempts to execute remote commands, within a Pod's container using e.g. the "kubectl exec" command.
references:
    - https://microsoft.github.io/Threat-Matrix-for-Kubernetes/techniques/Exec%20into%20container/
author: Leo Tsaousis (@laripping)
date: 2024-03-26
tags:
    - attack.t1609
logsource:
    category: application
    product: kubernetes
    service: audit
detection:
    selection:
        verb: 'create'
        objectRef.resource: 'pods'
        objectRef.subresource: 'exec'
    condition: selection
falsepositives:
    - Legitimate debugging activity. Investigate the identity performing the requests and their authorization.
level: medium
""",
    )
    rule_set = load_rules([tmp_path], builtin=False)
    (rule,) = rule_set.rules
    assert rule.finding_type == "Policy:Kubernetes/PotentialRemoteCommandExecutionInPodContainer"
    assert rule.severity == Severity.MEDIUM
    assert fires(
        rule_set, {"verb": "create", "objectRef": {"resource": "pods", "subresource": "exec"}}
    )
    assert not fires(
        rule_set, {"verb": "get", "objectRef": {"resource": "pods", "subresource": "exec"}}
    )


def test_modifiers(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        selection:
          requestURI|contains: [/exec, /attach]
          user.username|startswith: "arn:aws:iam::"
          user.groups|endswith: ":masters"
          userAgent|re: '^kubectl/v1\\.(2[89]|3\\d)'
          sourceIPs|cidr: 203.0.113.0/24
          responseStatus.code|gte: 100
          responseStatus.code|lt: 200
          objectRef.name|exists: true
        condition: selection
        """,
    )
    event = {
        "requestURI": "/api/v1/namespaces/a/pods/b/exec",
        "user": {"username": "arn:aws:iam::1:user/x", "groups": ["system:masters"]},
        "userAgent": "kubectl/v1.30.2",
        "sourceIPs": ["203.0.113.4"],
        "responseStatus": {"code": 101},
        "objectRef": {"name": "b"},
    }
    assert fires(rule_set, event)
    changes: list[dict[str, Any]] = [
        {"requestURI": "/api/v1/pods"},
        {"userAgent": "kubectl/v1.27.0"},
        {"sourceIPs": ["198.51.100.4"]},
        {"responseStatus": {"code": 200}},
        {"objectRef": {}},
    ]
    for change in changes:
        assert not fires(rule_set, {**event, **change}), change


def test_all_makes_every_listed_value_required(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        selection:
          requestURI|contains|all: [command=sh, command=-c]
        condition: selection
        """,
    )
    assert fires(rule_set, {"requestURI": "/exec?command=sh&command=-c"})
    assert not fires(rule_set, {"requestURI": "/exec?command=sh"})


def test_every_makes_every_value_of_the_field_required(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        trusted:
          podSpec.containers[*].image|every: ["registry.example.com/*", "public.ecr.aws/eks/*"]
        condition: not trusted
        """,
    )

    def pod(*images: str) -> dict[str, Any]:
        containers = [{"image": image} for image in images]
        return {
            "objectRef": {"resource": "pods"},
            "requestObject": {"spec": {"containers": containers}},
        }

    assert not fires(rule_set, pod("registry.example.com/a:1", "public.ecr.aws/eks/b:2"))
    assert fires(rule_set, pod("registry.example.com/a:1", "docker.io/miner:1"))


def test_values_null_globs_and_escapes(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        no_name:
          objectRef.name: null
        star_verb:
          requestObject.rules[*].verbs: '\\*'
        system_user:
          user.username: 'system:*'
        condition: (no_name and star_verb) or system_user
        """,
    )
    wildcard_role = {"requestObject": {"rules": [{"verbs": ["*"]}]}}
    assert fires(rule_set, wildcard_role)
    assert not fires(rule_set, {"requestObject": {"rules": [{"verbs": ["get"]}]}})
    assert not fires(rule_set, {**wildcard_role, "objectRef": {"name": "x"}})
    assert fires(rule_set, {"user": {"username": "system:kube-proxy"}})


def test_condition_operators(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        selection_exec:
          objectRef.subresource: exec
        selection_attach:
          objectRef.subresource: attach
        filter_ci:
          user.username: ci
        condition: 1 of selection_* and not filter_ci
        """,
    )
    assert fires(rule_set, {"objectRef": {"subresource": "attach"}, "user": {"username": "me"}})
    assert not fires(rule_set, {"objectRef": {"subresource": "attach"}, "user": {"username": "ci"}})
    assert not fires(rule_set, {"objectRef": {"subresource": "log"}})


def test_all_of_them_and_condition_lists(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        """
        a:
          verb: get
        b:
          objectRef.resource: secrets
        c:
          verb: delete
        condition:
          - a and b
          - c
        """,
    )
    assert fires(rule_set, {"verb": "get", "objectRef": {"resource": "secrets"}})
    assert fires(rule_set, {"verb": "delete"})
    assert not fires(rule_set, {"verb": "get", "objectRef": {"resource": "pods"}})


def test_lists_and_macros_are_shared_and_extended(tmp_path: Path) -> None:
    write(
        tmp_path,
        "library.yml",
        """\
lists:
  admin_roles: {append: [platform-admin]}
  breakglass_users: [alice, "%more_users%"]
  more_users: [bob]
macros:
  breakglass:
    user.username|expand: "%breakglass_users%"
  admin_binding:
    binding:
      objectRef.resource: clusterrolebindings
      requestObject.roleRef.name|expand: "%admin_roles%"
    condition: binding and successful
""",
    )
    write(tmp_path, "rule.yml", rule_text("condition: admin_binding and not breakglass"))
    rule_set = load_rules([tmp_path])
    assert rule_set.lists["admin_roles"] == ("cluster-admin", "admin", "platform-admin")
    assert rule_set.lists["breakglass_users"] == ("alice", "bob")
    binding = {
        "objectRef": {"resource": "clusterrolebindings"},
        "requestObject": {"roleRef": {"name": "platform-admin"}},
        "responseStatus": {"code": 201},
    }
    assert fires(rule_set, {**binding, "user": {"username": "mallory"}})
    assert not fires(rule_set, {**binding, "user": {"username": "bob"}})
    assert not fires(rule_set, {**binding, "responseStatus": {"code": 403}})


def test_the_kubeguard_block(tmp_path: Path) -> None:
    rule_set = load_one(
        tmp_path,
        "selection: {verb: get}\ncondition: selection",
        extra="""\
tags: [attack.discovery, attack.t1613]
kubeguard:
  finding_type: Discovery:Kubernetes/CustomRead
  severity: high
  output: "{user.username} read {objectRef.name|requestObject.metadata.name} ({{braces}})"
  aggregate: {window: 30s, by: [user.username]}
  remediation: Ask them.
  refs: {falco: [Some Falco Rule]}
""",
    )
    rule = next(rule for rule in rule_set.rules if not rule.builtin)
    assert rule.finding_type == "Discovery:Kubernetes/CustomRead"
    assert rule.severity == Severity.HIGH
    assert rule.aggregation.window == datetime.timedelta(seconds=30)
    assert [field.text for field in rule.aggregation.by] == ["user.username"]
    assert rule.output is not None
    rendered = rule.output.render(
        {"user": {"username": "u"}, "requestObject": {"metadata": {"name": "n"}}}
    )
    assert rendered == "u read n ({braces})"
    assert rule.info.refs == {
        "mitre": ("T1613",),
        "guardduty-type": ("Discovery:Kubernetes/CustomRead",),
        "falco": ("Some Falco Rule",),
    }


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("1h", 3600), ("2d", 172800), ("0", 0), (45, 45)],
)
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == datetime.timedelta(seconds=seconds)


def test_every_problem_in_every_file_is_reported_with_file_line_and_rule(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yml",
        rule_text(
            """
            selection:
              verb|sometimes: get
              objectRef.resource|gt: pods
            other:
              requestURI|re: '(unclosed'
              sourceIPs|cidr: 999.1.2.3/8
            condition: selection and missing_macro
            """,
            title="First bad rule",
        )
        + "---\n"
        + rule_text(
            "selection: [get, list]\ncondition: selection",
            title="Keywords",
            rule_id="22222222-2222-4333-8444-555555555555",
        )
        + "---\n"
        + rule_text(
            "selection: {verb: get}\ncondition: selection",
            title="Bad tag",
            rule_id="33333333-2222-4333-8444-555555555555",
            extra="tags: [attack.t9999, attack.lunch]\n",
        ),
    )
    write(
        tmp_path,
        "b.yml",
        "title: Missing parts\nid: not-a-uuid\nlevel: urgent\nlogsource: {product: windows, service: audit}\ndetection: {}\n",
    )
    write(
        tmp_path,
        "c.yml",
        rule_text(
            "selection: {verb: get}\ncondition: selection and (",
            rule_id="44444444-2222-4333-8444-555555555555",
        )
        + "kubeguard: {output: '{unclosed', aggregate: {window: soon}, finding_type: nope}\n",
    )
    found = problems(tmp_path)
    text = "\n".join(found)
    a, b, c = (str(tmp_path / name) for name in ("a.yml", "b.yml", "c.yml"))
    expectations = [
        (a, "rule 'First bad rule'", "unknown modifier sometimes"),
        (a, "rule 'First bad rule'", "gt compares with numbers only"),
        (a, "rule 'First bad rule'", "invalid regular expression"),
        (a, "rule 'First bad rule'", "invalid network '999.1.2.3/8'"),
        (a, "rule 'Keywords'", "keyword selections"),
        (a, "rule 'Bad tag'", "unknown ATT&CK technique T9999"),
        (a, "rule 'Bad tag'", "unknown ATT&CK tactic 'lunch'"),
        (b, "rule 'Missing parts'", "id:"),
        (b, "rule 'Missing parts'", "level:"),
        (b, "rule 'Missing parts'", "logsource.product:"),
        (c, "", "finding_type"),
        (c, "", "kubeguard.aggregate.window"),
    ]
    for path, label, reason in expectations:
        assert any(
            line.startswith(path + ":") and label in line and reason in line for line in found
        ), f"no error naming {path}, {label!r} and {reason!r} in:\n{text}"
    first_rule_line = next(line for line in found if "unknown modifier" in line)
    assert first_rule_line.startswith(f"{a}:8: "), "the line of the offending field"
    assert (
        "11111111-2222-4333-8444-555555555555" in first_rule_line
        or "First bad rule" in first_rule_line
    )


CONDITION_ERRORS = [
    ("selection and missing", "unknown selection or macro 'missing'"),
    ("1 of nothing_*", "no selection matches 'nothing_*'"),
    ("selection and (selection", "missing ')'"),
    ("selection | count() > 5", "aggregation expressions"),
    ("and selection", "unexpected 'and'"),
    ("", "the condition is empty"),
]


def test_condition_errors(tmp_path: Path) -> None:
    for index, (condition, _) in enumerate(CONDITION_ERRORS):
        write(
            tmp_path,
            f"r{index}.yml",
            rule_text(
                f"selection: {{verb: get}}\ncondition: '{condition}'",
                title=f"Rule {index}",
                rule_id=f"{index:08d}-2222-4333-8444-555555555555",
            ),
        )
    found = problems(tmp_path)
    for index, (_, reason) in enumerate(CONDITION_ERRORS):
        assert any(f"rule 'Rule {index}'" in line and reason in line for line in found), reason


def test_list_and_macro_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        "library.yml",
        """\
lists:
  loop_a: ["%loop_b%"]
  loop_b: ["%loop_a%"]
  admin_roles: [again]
  unknown_change: {append: [x]}
  both: {append: [x], replace: [y]}
macros:
  self_ref:
    condition: self_ref
  bad_field:
    verb|nope: get
""",
    )
    write(tmp_path, "rule.yml", rule_text("condition: bad_field"))
    found = "\n".join(problems(tmp_path))
    for reason in (
        "list 'loop_a' includes itself",
        "list 'admin_roles' is already defined at builtin/library.yml",
        "list 'unknown_change' is changed but never defined",
        "list 'both': give exactly one of append or replace",
        "macro 'bad_field': verb|nope: unknown modifier nope",
    ):
        assert reason in found, reason


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "one.yml", rule_text("condition: successful", title="One"))
    write(tmp_path, "two.yml", rule_text("condition: successful", title="Two"))
    found = problems(tmp_path)
    assert any(
        "rule id 11111111-2222-4333-8444-555555555555 is also used by 'One'" in line
        for line in found
    )


def test_unreadable_yaml_is_reported_with_its_place(tmp_path: Path) -> None:
    write(tmp_path, "broken.yml", "title: [unclosed\n")
    (line,) = problems(tmp_path)
    assert line.startswith(str(tmp_path / "broken.yml") + ":")
    assert "invalid YAML" in line
