"""Sigma rules for kubernetes/audit: each fires on its event and not on a near miss; warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubeguard.cli.main import main
from kubeguard.detect import DetectionRun, DetectOptions, read_sigma
from kubeguard.engines.detect import DetectionRule, RuleSet
from kubeguard.engines.detect.predicates import Regex, route
from kubeguard.engines.detect.predicates import tests as field_tests
from kubeguard.engines.detect.sigma import parse_sigma
from kubeguard.model import Severity
from tests.unit.detect.events import as_events, audit_event

RULES = Path(__file__).parent / "sigma_rules"
BROKEN = Path(__file__).parent / "sigma_broken"


def host_path_pod(volume: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "spec": {
            "containers": [{"name": "a", "image": "alpine"}],
            "volumes": [{"name": "v", **volume}],
        },
    }


def capability_pod(context: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": context}]}}


#: Per rule file: an event that fires it, and a near miss that must not.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "exec_into_container": (
        audit_event(verb="create", resource="pods", subresource="exec", name="web-1"),
        audit_event(verb="create", resource="pods", subresource="log", name="web-1"),
    ),
    "host_path_volume": (
        audit_event(
            verb="create",
            resource="pods",
            request_object=host_path_pod({"hostPath": {"path": "/"}}),
        ),
        audit_event(verb="create", resource="pods", request_object=host_path_pod({"emptyDir": {}})),
    ),
    "added_capabilities": (
        audit_event(
            verb="create",
            resource="pods",
            request_object=capability_pod({"capabilities": {"add": ["NET_ADMIN"]}}),
        ),
        audit_event(
            verb="create", resource="pods", request_object=capability_pod({"runAsNonRoot": True})
        ),
    ),
    "denied_requests": (
        audit_event(verb="get", resource="secrets", code=401),
        audit_event(verb="get", resource="secrets", code=404),
    ),
    "rules_review": (
        audit_event(
            verb="create",
            resource="selfsubjectrulesreviews",
            api_group="authorization.k8s.io",
            namespace=None,
        ),
        audit_event(
            verb="create",
            resource="selfsubjectrulesreviews",
            api_group="authentication.k8s.io",
            namespace=None,
        ),
    ),
    "attack_tools": (
        audit_event(verb="list", resource="secrets", user_agent="TruffleHog/3.63"),
        audit_event(
            verb="list",
            resource="secrets",
            user_agent="TruffleHog/3.63",
            user="system:serviceaccount:scanner:trufflehog",
        ),
    ),
    "debug_pod_names": (
        audit_event(verb="delete", resource="pods", namespace="kube-system", name="debug-xk2"),
        audit_event(verb="delete", resource="pods", namespace="kube-system", name="web-debug-1"),
    ),
    "shell_commands": (
        audit_event(
            verb="create",
            resource="pods",
            subresource="exec",
            request_uri="/api/v1/namespaces/shop/pods/web/exec?command=BASH&stdin=true",
        ),
        audit_event(
            verb="create",
            resource="pods",
            subresource="exec",
            request_uri="/api/v1/namespaces/shop/pods/web/exec?command=bashful&stdin=true",
        ),
    ),
}


@pytest.fixture(scope="module")
def run() -> DetectionRun:
    return DetectionRun(DetectOptions(builtin_rules=False, sigma_paths=(RULES,)))


def fired(run: DetectionRun, event: dict[str, Any]) -> list[str]:
    return [
        Path(rule.rule.source.path).stem for rule in run.detector.matches(as_events([event])[0])
    ]


@pytest.mark.parametrize("stem", sorted(CASES))
def test_each_rule_fires_on_its_event_and_not_on_the_near_miss(
    run: DetectionRun, stem: str
) -> None:
    match, near_miss = CASES[stem]
    assert stem in fired(run, match)
    assert stem not in fired(run, near_miss)


def test_every_kubernetes_rule_is_loaded_and_tested(run: DetectionRun) -> None:
    assert sorted(Path(rule.source.path).stem for rule in run.rule_set.rules) == sorted(CASES)
    assert run.sigma.other_logsources == 1
    assert run.sigma.files == len(CASES) + 1
    assert run.warnings == []


def test_findings_carry_title_id_and_level(tmp_path: Path, run: DetectionRun) -> None:
    events = as_events([CASES["debug_pod_names"][0], CASES["rules_review"][0]])
    findings = list(run.findings(events))
    rules = run.rules
    shown = sorted(
        (
            rules[f.control_id].title,
            f.control_id,
            f.severity,
            rules[f.control_id].refs["sigma-level"],
        )
        for f in findings
    )
    assert shown == [
        (
            "Debug Pod Deleted In A System Namespace",
            "5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8091",
            Severity.CRITICAL,
            ("critical",),
        ),
        ("Own Permissions Listed", "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", Severity.LOW, ("low",)),
    ]
    types = sorted(f.detection.finding_type for f in findings if f.detection)
    assert types == [
        "Discovery:Kubernetes/Sigma.OwnPermissionsListed",
        "Policy:Kubernetes/Sigma.DebugPodDeletedInASystemNamespace",
    ]


def test_level_informational_maps_to_info(run: DetectionRun) -> None:
    rule = run.rule_set.by_id("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6f")
    assert rule is not None
    assert rule.severity is Severity.INFO


def test_rules_testing_verb_and_resource_are_routed(run: DetectionRun) -> None:
    rule = run.rule_set.by_id("6e0b7a2c-4f1d-4c35-9a0e-2f6c1d9b8e71")
    assert rule is not None
    routed = route(rule.condition)
    assert routed.verbs == frozenset({"create"})
    assert routed.resources == frozenset({"pods"})


def test_broken_rules_warn_one_line_each_and_the_rest_load() -> None:
    loaded = read_sigma([BROKEN])
    lines = [str(warning) for warning in loaded.warnings]
    assert lines == [
        f"{BROKEN / 'allowed_shell.yml'}:1: Sigma rule 'Allowed Request Naming A Shell' "
        "(9c0d1e2f-3a4b-4c5d-8e7f-8091a2b3c4d5) can never fire: responseStatus.code is a number, "
        "compared with the text 'ALLOW'",
        f"{BROKEN / 'compiler_in_container.yml'}:1: Sigma rule 'Compiler Run In A Container' "
        "(8b9c0d1e-2f3a-4b4c-9d6e-7f8091a2b3c4) can never fire: field 'file_path' is never in an "
        "audit event",
        f"{BROKEN / 'counted.yml'}:10: Sigma rule 'Many Denied Requests': skipped: timeframe is not "
        "supported",
        f"{BROKEN / 'duplicate_id.yml'}:2: Sigma rule 'Same Id As Another Rule': skipped: id "
        "9c0d1e2f-3a4b-4c5d-8e7f-8091a2b3c4d5 is already used by another rule",
        f"{BROKEN / 'encoded.yml'}:9: Sigma rule 'Encoded Command': skipped: "
        "requestURI|base64offset|contains: modifier base64offset is not supported",
        f"{BROKEN / 'keywords.yml'}:8: Sigma rule 'Keyword Search': skipped: keyword selections "
        "(values without a field) are not supported",
        lines[6],
        f"{BROKEN / 'partly_dead.yml'}:1: Sigma rule 'Secret Read By Name Or Label' "
        "(0d1e2f3a-4b5c-4d6e-9f80-91a2b3c4d5e6) has tests that never hold: field 'secretLabel' is "
        "never in an audit event; verb is text, compared with the number 7",
    ]
    assert lines[6].startswith(f"{BROKEN / 'not_yaml.yml'}:")
    assert (loaded.skipped, loaded.never_fire, len(loaded.rules)) == (4, 2, 3)


def test_a_rule_with_dead_branches_still_fires_on_the_live_one() -> None:
    run = DetectionRun(
        DetectOptions(builtin_rules=False, sigma_paths=(BROKEN / "partly_dead.yml",))
    )
    assert run.detector.matches(as_events([audit_event(verb="get", resource="secrets")])[0])
    assert not run.detector.matches(as_events([audit_event(verb="list", resource="secrets")])[0])


@pytest.mark.parametrize(
    ("selection", "event", "fires"),
    [
        (
            {"verb": "get", "objectRef.name": "null-check", "userAgent": None},
            {"user_agent": None},
            True,
        ),
        ({"verb": "get", "objectRef.name": "null-check", "userAgent": None}, {}, False),
        ({"userAgent|cased": "kubectl*"}, {"user_agent": "Kubectl/1"}, False),
        ({"userAgent": "kubectl*"}, {"user_agent": "Kubectl/1"}, True),
        ({"userAgent": "kube\\*ctl"}, {"user_agent": "kube*ctl"}, True),
        ({"userAgent": "kube\\*ctl"}, {"user_agent": "kubeXctl"}, False),
        ({"userAgent|contains|all": ["kube", "ctl/"]}, {"user_agent": "kubectl/1.30"}, True),
        ({"userAgent|contains|all": ["kube", "oc/"]}, {"user_agent": "kubectl/1.30"}, False),
        ({"sourceIPs|cidr": "10.0.0.0/8"}, {"source_ip": "10.9.8.7"}, True),
        ({"sourceIPs|cidr": "10.0.0.0/8"}, {"source_ip": "11.9.8.7"}, False),
        ({"responseStatus.code|gte": 400}, {"code": 403}, True),
        ({"responseStatus.code|gte": "400"}, {"code": 201}, False),
        ({"userAgent|exists": False}, {"user_agent": None}, True),
        ({"requestURI|re": "^/API/"}, {}, False),
        ({"requestURI|re|i": "^/API/"}, {}, True),
    ],
)
def test_sigma_value_semantics(
    tmp_path: Path, selection: dict[str, Any], event: dict[str, Any], fires: bool
) -> None:
    rule = {
        "title": "Semantics",
        "id": "4b5c6d7e-8f90-41a2-b3c4-d5e6f7081920",
        "logsource": {"product": "kubernetes", "service": "audit"},
        "detection": {"selection": selection, "condition": "selection"},
        "level": "low",
    }
    loaded = parse_sigma([("semantics.yml", json.dumps(rule))])
    assert loaded.warnings == ()
    run = DetectionRun(DetectOptions(builtin_rules=False), rule_set=_only(loaded.rules))
    fields = {"verb": "get", "resource": "pods", "name": "null-check", **event}
    assert bool(run.detector.matches(as_events([audit_event(**fields)])[0])) is fires


def _only(rules: tuple[DetectionRule, ...]) -> RuleSet:
    return RuleSet(rules)


def test_cli_runs_sigma_rules_and_prints_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "audit.log"
    log.write_text(json.dumps(CASES["exec_into_container"][0]) + "\n")
    code = main(
        [
            "detect",
            str(log),
            "--sigma",
            str(RULES),
            "--sigma",
            str(BROKEN / "compiler_in_container.yml"),
            "-f",
            "json",
        ]
    )
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    sigma = [f for f in report["findings"] if f["references"].get("sigma")]
    assert [(f["title"], f["control_id"], f["severity"]) for f in sigma] == [
        ("Command Run Inside A Pod Container", "6e0b7a2c-4f1d-4c35-9a0e-2f6c1d9b8e71", "medium")
    ]
    assert captured.err.count("kubeguard: warning:") == 1
    assert "can never fire: field 'file_path'" in captured.err
    assert report["settings"]["sigma_rules"] == (
        "9 loaded (1 can never fire), 0 skipped, 1 for other log sources, from 10 files"
    )
    assert code == 1


def test_cli_lists_sigma_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", "rules", "--sigma", str(RULES), "-f", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    entries = listed if isinstance(listed, list) else listed["rules"]
    titles = {entry["title"] for entry in entries}
    assert "Own Permissions Listed" in titles
    assert "Pod With A Host Directory Volume" in titles


def test_alternative_values_of_a_field_are_one_test(run: DetectionRun) -> None:
    rule = run.rule_set.by_id("4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80")
    assert rule is not None
    agent_tests = [test for test in field_tests(rule.condition) if test.field.text == "userAgent"]
    assert len(agent_tests) == 1
    assert isinstance(agent_tests[0].match, Regex)
    assert len(agent_tests[0].match.patterns) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"user_agent": "rakkess/access_matrix 0.5"},
        {"request_uri": "/api/v1/namespaces/shop/pods/web/exec?command=%2fBIN%2fbash"},
    ],
)
def test_every_alternative_still_fires(run: DetectionRun, fields: dict[str, Any]) -> None:
    assert "attack_tools" in fired(run, audit_event(verb="list", resource="pods", **fields))
