"""SARIF 2.1.0: valid against the official schema, with the rules, regions and suppressions that
GitHub code scanning reads."""

from __future__ import annotations

import json
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from kubeguard.config import parse_config
from kubeguard.engines.posture import load_controls
from kubeguard.model import ControlId, Layer, Severity, SourceLocation, Status
from kubeguard.report import ReportOptions, sarif
from kubeguard.scan import ScanOptions, scan_manifests
from tests.conftest import CORPUS
from tests.unit.cli.helpers import line_containing
from tests.unit.report.sample import (
    API,
    PRIVILEGED,
    RULES,
    UNREADABLE,
    make_finding,
    sample_findings,
    sample_result,
)

SCHEMA_FILE = CORPUS.parent / "schemas" / "sarif-schema-2.1.0.json"
REAL_CONTROL = ControlId("KG-POD-001")

APP = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: web
spec:
  containers:
    - name: main
      image: registry.example/app:1.0
      securityContext:
        privileged: true
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: web
  annotations:
    kubeguard.io/ignore: "KG-POD-001"
    kubeguard.io/ignore-reason: "needs the host"
spec:
  template:
    spec:
      containers:
        - name: agent
          image: registry.example/agent:1.0
          securityContext:
            privileged: true
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: legacy-backup
  namespace: web
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: registry.example/backup:1.0
              securityContext:
                privileged: true
"""


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is absent (expected at {SCHEMA_FILE})")
    return Draft4Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _log(options: ReportOptions | None = None, findings: Any = None) -> dict[str, Any]:
    text = sarif.render(sample_result(findings), options or ReportOptions())
    log: dict[str, Any] = json.loads(text)
    return log


def _run(log: dict[str, Any]) -> dict[str, Any]:
    (run,) = log["runs"]
    return dict(run)


@pytest.fixture
def real_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A real scan of a small fixture in a subfolder, with an annotation and a config exception."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "app.yaml").write_text(APP, encoding="utf-8")
    config = parse_config(
        {"exceptions": [{"controls": "KG-POD-*", "names": "legacy-*", "reason": "retired soon"}]}
    )
    result = scan_manifests(["manifests/app.yaml"], ScanOptions(layers=(Layer.POD,), config=config))
    log: dict[str, Any] = json.loads(sarif.render(result, ReportOptions()))
    return log


def test_sample_is_valid_sarif(validator: Draft4Validator) -> None:
    options = ReportOptions(show_passed=True, show_suppressed=True, verbose=True)
    errors = sorted(validator.iter_errors(_log(options)), key=str)
    assert not errors, errors[0]


def test_real_scan_is_valid_sarif(validator: Draft4Validator, real_scan: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(real_scan), key=str)
    assert not errors, errors[0]


def test_real_scan_points_at_the_offending_lines(real_scan: dict[str, Any]) -> None:
    results = [r for r in _run(real_scan)["results"] if r["ruleId"] == REAL_CONTROL]
    by_name = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in results}
    assert set(by_name) == {"api", "agent", "legacy-backup"}
    for occurrence, name in enumerate(["api", "agent", "legacy-backup"]):
        physical = by_name[name]["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "manifests/app.yaml",
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"]["startLine"] == line_containing(
            APP, "privileged: true", occurrence
        )


def test_real_scan_suppressions_say_where_they_were_made(real_scan: dict[str, Any]) -> None:
    results = {
        r["locations"][0]["logicalLocations"][0]["name"]: r
        for r in _run(real_scan)["results"]
        if r["ruleId"] == REAL_CONTROL
    }
    assert "suppressions" not in results["api"]
    (inline,) = results["agent"]["suppressions"]
    assert inline["kind"] == "inSource"
    assert "needs the host" in inline["justification"]
    (external,) = results["legacy-backup"]["suppressions"]
    assert external["kind"] == "external"
    assert "retired soon" in external["justification"]


def test_real_scan_rule_metadata_comes_from_the_control(real_scan: dict[str, Any]) -> None:
    control = next(c for c in load_controls() if c.id == REAL_CONTROL).info
    driver = _run(real_scan)["tool"]["driver"]
    assert driver["name"] == "kubeguard"
    rules = driver["rules"]
    result = next(r for r in _run(real_scan)["results"] if r["ruleId"] == REAL_CONTROL)
    rule = rules[result["ruleIndex"]]
    assert rule["id"] == REAL_CONTROL
    assert rule["shortDescription"]["text"] == control.title
    assert rule["fullDescription"]["text"] == control.summary
    assert control.remediation in rule["help"]["text"]
    assert control.remediation in rule["help"]["markdown"]
    assert control.rationale.split("\n")[0] in rule["help"]["text"]
    assert rule["defaultConfiguration"]["level"] == sarif.LEVEL[control.severity]
    assert rule["properties"]["security-severity"] == sarif.SECURITY_SEVERITY[control.severity]
    tags = rule["properties"]["tags"]
    assert "layer:pod" in tags
    for framework, ids in control.refs.items():
        assert {f"{framework}:{ref}" for ref in ids} <= set(tags)
    assert result["level"] == sarif.LEVEL[control.severity]
    assert len(tags) == len(set(tags))


def test_every_rule_that_ran_is_described_once_in_id_order() -> None:
    run = _run(_log())
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(RULES)
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


@pytest.mark.parametrize(
    ("severity", "low", "high"),
    [
        (Severity.CRITICAL, 9.0, 10.0),
        (Severity.HIGH, 7.0, 8.9),
        (Severity.MEDIUM, 4.0, 6.9),
        (Severity.LOW, 0.1, 3.9),
        (Severity.INFO, 0.0, 0.0),
    ],
)
def test_security_severity_falls_in_the_github_band(
    severity: Severity, low: float, high: float
) -> None:
    # GitHub code scanning ranks alerts by these bands; a critical control must rank critical.
    score = sarif.SECURITY_SEVERITY[severity]
    assert isinstance(score, str)
    assert low < float(score) <= high or float(score) == low == high


def test_results_carry_fingerprints_and_messages() -> None:
    findings = sample_findings()
    run = _run(_log(findings=findings))
    by_fingerprint = {r["partialFingerprints"][sarif.FINGERPRINT_KEY]: r for r in run["results"]}
    failing = [f for f in findings if f.status == Status.FAIL]
    assert set(by_fingerprint) == {f.fingerprint for f in failing}
    api = next(f for f in failing if f.resource == API and f.control_id == PRIVILEGED)
    entry = by_fingerprint[api.fingerprint]
    assert api.message in entry["message"]["text"]
    assert entry["properties"]["evidence"] == [
        {"path": "spec.containers[0].securityContext.privileged", "value": True}
    ]


def test_passes_are_results_only_on_request() -> None:
    assert all(r.get("kind", "fail") == "fail" for r in _run(_log())["results"])
    shown = _run(_log(ReportOptions(show_passed=True)))["results"]
    (passed,) = [r for r in shown if r.get("kind") == "pass"]
    assert passed["level"] == "none"


def test_errors_make_the_invocation_unsuccessful() -> None:
    (invocation,) = _run(_log())["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["descriptor"] == {"id": UNREADABLE}
    physical = notification["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "broken.yaml"
    assert physical["region"] == {"startLine": 3, "startColumn": 5}
    # An unreadable input is not a rule result.
    assert all(r["ruleId"] != UNREADABLE for r in _run(_log())["results"])


def test_a_complete_scan_is_successful() -> None:
    findings = [f for f in sample_findings() if f.status != Status.ERROR]
    (invocation,) = _run(_log(findings=findings))["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == []


def test_expired_exceptions_are_configuration_warnings() -> None:
    (invocation,) = _run(_log())["invocations"]
    (warning,) = invocation["toolConfigurationNotifications"]
    assert warning["level"] == "warning"
    assert "migration window" in warning["message"]["text"]


@pytest.mark.parametrize("line", [None, 0])
def test_no_region_without_a_real_line(line: int | None) -> None:
    finding = make_finding(PRIVILEGED, Status.FAIL, API, SourceLocation("app.yaml", line), "x")
    (result,) = _run(_log(findings=[finding]))["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert "region" not in physical
    assert physical["artifactLocation"]["uri"] == "app.yaml"


def test_stdin_findings_have_no_file_location() -> None:
    finding = make_finding(PRIVILEGED, Status.FAIL, API, SourceLocation("-", 4), "x")
    (result,) = _run(_log(findings=[finding]))["results"]
    (location,) = result["locations"]
    assert "physicalLocation" not in location
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "web/Pod/api"


def test_uris_are_relative_to_the_scan_folder(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    inside = sarif.artifact_location(str(root / "k8s" / "my app.yaml"), root)
    assert inside == {"uri": "k8s/my%20app.yaml", "uriBaseId": "%SRCROOT%"}
    dotted = sarif.artifact_location("./k8s/../k8s/app.yaml", root)
    assert dotted == {"uri": "k8s/app.yaml", "uriBaseId": "%SRCROOT%"}
    outside = sarif.artifact_location(str(tmp_path / "elsewhere.yaml"), root)
    assert outside == {"uri": (tmp_path / "elsewhere.yaml").as_uri()}
    parent = sarif.artifact_location("../elsewhere.yaml", root)
    assert "uriBaseId" not in parent
    assert parent["uri"].startswith("file:///")


def test_information_uri_comes_from_the_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = Message()
    meta["Project-URL"] = "Homepage, https://kubeguard.example/"
    monkeypatch.setattr(sarif, "metadata", lambda _: meta)
    driver = _run(_log())["tool"]["driver"]
    assert driver["informationUri"] == "https://kubeguard.example/"
