"""``kubeguard detect`` (files), ``detect rules`` and ``detect test`` through the real entry point."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from kubeguard.cli.detect_command import FORMATS, JSONL
from kubeguard.cli.exit_codes import ExitCode
from kubeguard.report import OutputFormat
from tests.unit.cli.helpers import run_cli, write

EXEC_IN_KUBE_SYSTEM: dict[str, Any] = {
    "kind": "Event",
    "apiVersion": "audit.k8s.io/v1",
    "auditID": "5c1e2a90-0d6f-4f3e-9a51-2f7d2b0c4e11",
    "stage": "ResponseStarted",
    "verb": "get",
    "requestURI": "/api/v1/namespaces/kube-system/pods/aws-node-7xk2p/exec?command=sh",
    "user": {"username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]},
    "sourceIPs": ["198.51.100.23"],
    "userAgent": "kubectl/v1.30.2",
    "objectRef": {
        "resource": "pods",
        "namespace": "kube-system",
        "name": "aws-node-7xk2p",
        "subresource": "exec",
        "apiVersion": "v1",
    },
    "responseStatus": {"code": 101},
    "requestReceivedTimestamp": "2026-03-02T10:00:00.000000Z",
}
ROUTINE: dict[str, Any] = {
    "kind": "Event",
    "auditID": "0b3b6a52-7f0e-4c4e-8a55-3b1f8f1d2a01",
    "stage": "ResponseComplete",
    "verb": "watch",
    "requestURI": "/api/v1/pods?watch=true",
    "user": {"username": "system:kube-scheduler", "groups": ["system:authenticated"]},
    "sourceIPs": ["10.0.3.17"],
    "objectRef": {"resource": "pods", "apiVersion": "v1"},
    "responseStatus": {"code": 200},
}


def log(tmp_path: Path, *events: dict[str, Any], extra: str = "", name: str = "audit.log") -> str:
    return write(tmp_path, name, "".join(json.dumps(event) + "\n" for event in events) + extra)


def test_formats_cover_every_report_and_json_lines() -> None:
    assert [*(f.value for f in OutputFormat), JSONL] == FORMATS


def test_a_detection_exits_1_and_shows_who_did_what(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outcome = run_cli(capsys, "detect", log(tmp_path, ROUTINE, EXEC_IN_KUBE_SYSTEM), "--no-color")
    assert outcome.code == ExitCode.FINDINGS
    assert "Execution:Kubernetes/ExecInKubeSystemPod" in outcome.out
    assert (
        "actor: kubernetes-admin (system:masters, system:authenticated) from 198.51.100.23"
        in outcome.out
    )
    assert (
        "action: get /api/v1/namespaces/kube-system/pods/aws-node-7xk2p/exec?command=sh -> 101"
        in outcome.out
    )
    assert "2 events" in outcome.out


def test_fail_on_above_the_findings_exits_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = log(tmp_path, EXEC_IN_KUBE_SYSTEM)
    assert run_cli(capsys, "detect", path, "--fail-on", "high").code == ExitCode.CLEAN
    assert run_cli(capsys, "detect", path, "--fail-on", "medium").code == ExitCode.FINDINGS


def test_routine_traffic_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outcome = run_cli(capsys, "detect", log(tmp_path, ROUTINE), "--no-color")
    assert outcome.code == ExitCode.CLEAN
    assert "No failing findings." in outcome.out


def test_a_rejected_line_makes_the_run_incomplete(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = log(tmp_path, ROUTINE, extra='{"kind":"Event","auditID":"cut\n')
    outcome = run_cli(capsys, "detect", path, "--format", "json")
    assert outcome.code == ExitCode.INCOMPLETE
    report = outcome.json()
    assert report["ingestion"] == {
        "inputs": 1,
        "events": 1,
        "duplicates": 0,
        "rejected": 1,
        "truncated": 0,
    }
    (error,) = report["findings"]
    assert error["control_id"] == "KG-INPUT-002"
    assert error["location"]["line"] == 2
    assert "kubeguard: error: audit.log:2: not valid JSON" in outcome.err


def test_json_report_carries_the_detection(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outcome = run_cli(capsys, "detect", log(tmp_path, EXEC_IN_KUBE_SYSTEM), "-f", "json")
    (finding,) = outcome.json()["findings"]
    assert finding["layer"] == "detective"
    assert finding["resource"] == {
        "api_version": "v1",
        "kind": "Pod",
        "namespace": "kube-system",
        "name": "aws-node-7xk2p",
    }
    detection = finding["detection"]
    assert detection["finding_type"] == "Execution:Kubernetes/ExecInKubeSystemPod"
    assert detection["actor"]["source_ips"] == ["198.51.100.23"]
    assert detection["action"]["response_code"] == 101
    assert detection["first_seen"] == "2026-03-02T10:00:00+00:00"
    assert detection["count"] == 1
    assert outcome.json()["settings"]["rules"] == "72"


def test_sarif_and_junit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = log(tmp_path, EXEC_IN_KUBE_SYSTEM)
    sarif = json.loads(run_cli(capsys, "detect", path, "-f", "sarif").out)
    (result,) = sarif["runs"][0]["results"]
    assert result["properties"]["detection"]["actor"]["username"] == "kubernetes-admin"
    assert sarif["runs"][0]["properties"]["ingestion"]["events"] == 1
    junit = ET.fromstring(run_cli(capsys, "detect", path, "-f", "junit").out)  # noqa: S314 - our own output
    assert junit.get("failures") == "1"


def test_json_lines_stream_one_finding_per_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    attach: dict[str, Any] = {
        **EXEC_IN_KUBE_SYSTEM,
        "auditID": "other",
        "objectRef": {**EXEC_IN_KUBE_SYSTEM["objectRef"], "subresource": "attach"},
    }
    path = log(tmp_path, EXEC_IN_KUBE_SYSTEM, attach, extra="not json\n")
    outcome = run_cli(capsys, "detect", path, "--format", "jsonl")
    lines = outcome.out.splitlines()
    types = sorted(json.loads(line)["detection"]["finding_type"] for line in lines)
    assert types == [
        "Execution:Kubernetes/ExecInKubeSystemPod",
        "Execution:Kubernetes/ExecIntoOrAttachToAPod",
    ]
    assert "audit.log:3: not valid JSON" in outcome.err
    assert outcome.code == ExitCode.INCOMPLETE


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = log(tmp_path, EXEC_IN_KUBE_SYSTEM)
    assert run_cli(capsys, "detect", path, "-f", "jsonl", "-o", "found.jsonl").out == ""
    assert json.loads((tmp_path / "found.jsonl").read_text())["control_id"]
    assert (
        run_cli(capsys, "detect", "files", path, "-f", "json", "-o", "found.json").code
        == ExitCode.FINDINGS
    )
    assert json.loads((tmp_path / "found.json").read_text())["schema"] == "kubeguard.scan/v1"


def test_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO((json.dumps(EXEC_IN_KUBE_SYSTEM) + "\n").encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    outcome = run_cli(capsys, "detect", "-", "-f", "json")
    assert outcome.json()["findings"][0]["location"]["path"] == "-"


USER_RULE = """\
title: Exec by the CI robot
id: 7d1b9c44-5a0e-4a52-9a77-0a3c1b2d3e4f
status: experimental
description: The CI robot never execs into pods.
logsource: {product: kubernetes, service: audit}
detection:
  selection:
    user.username: system:serviceaccount:ci:ci-robot
    objectRef.subresource: exec
  condition: selection and exec_started
level: high
tags: [attack.execution, attack.t1609]
"""


def test_user_rules_run_beside_or_instead_of_the_builtin_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "ci.yml", USER_RULE)
    robot = {**EXEC_IN_KUBE_SYSTEM, "user": {"username": "system:serviceaccount:ci:ci-robot"}}
    path = log(tmp_path, robot)
    both = run_cli(capsys, "detect", path, "--rules", "rules", "-f", "json").json()
    titles = sorted(finding["title"] for finding in both["findings"])
    assert "Exec by the CI robot" in titles
    assert "Command executed in a kube-system pod" in titles
    alone = run_cli(
        capsys, "detect", path, "--rules", "rules", "--no-builtin-rules", "-f", "json"
    ).json()
    assert [finding["title"] for finding in alone["findings"]] == ["Exec by the CI robot"]


def test_invalid_rules_exit_2_and_list_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "rules").mkdir()
    write(
        tmp_path / "rules",
        "bad.yml",
        USER_RULE.replace("user.username:", "user.username|fuzzy:").replace(
            "attack.t1609", "attack.t0000"
        ),
    )
    outcome = run_cli(capsys, "detect", log(tmp_path, ROUTINE), "--rules", "rules")
    assert outcome.code == ExitCode.USAGE
    errors = [line for line in outcome.err.splitlines() if line.startswith("kubeguard: error: ")]
    assert len(errors) == 2
    assert all("rules/bad.yml:" in line for line in errors)
    assert any("unknown modifier fuzzy" in line for line in errors)
    assert any("unknown ATT&CK technique T0000" in line for line in errors)


def test_rules_lists_the_catalogue_with_attack_mapping(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = run_cli(capsys, "detect", "rules")
    assert table.code == ExitCode.CLEAN
    assert "Policy:Kubernetes/AdminAccessToDefaultServiceAccount" in table.out
    assert "72 rules, 56 active" in table.out
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "ci.yml", USER_RULE)
    entries = json.loads(run_cli(capsys, "detect", "rules", "--rules", "rules", "-f", "json").out)
    mine = next(entry for entry in entries if entry["title"] == "Exec by the CI robot")
    assert mine["origin"].startswith("rules/ci.yml")
    assert mine["tactics"] == ["Execution"]
    assert mine["techniques"] == ["T1609 Container Administration Command"]
    tor = next(
        entry for entry in entries if entry["finding_type"] == "Discovery:Kubernetes/TorIPCaller"
    )
    assert tor["active"] is False


def test_rule_tests_pass_and_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "ci.yml", USER_RULE)
    samples = tmp_path / "samples" / "ci"
    samples.mkdir(parents=True)
    robot = {**EXEC_IN_KUBE_SYSTEM, "user": {"username": "system:serviceaccount:ci:ci-robot"}}
    human = {**EXEC_IN_KUBE_SYSTEM, "user": {"username": "alice"}}
    log(samples, robot, name="match.jsonl")
    log(samples, human, name="nomatch.jsonl")
    passed = run_cli(capsys, "detect", "test", "rules", "--events", "samples")
    assert passed.code == ExitCode.CLEAN
    assert "PASS  Exec by the CI robot" in passed.out
    log(samples, human, name="match.jsonl")
    failed = run_cli(capsys, "detect", "test", "rules", "--events", "samples", "-f", "json")
    assert failed.code == ExitCode.FINDINGS
    (result,) = json.loads(failed.out)
    assert result["passed"] is False
    assert result["failures"] == [{"location": "samples/ci/match.jsonl:1", "expected_match": True}]


def test_rule_tests_report_missing_samples(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "ci.yml", USER_RULE)
    (tmp_path / "samples").mkdir()
    outcome = run_cli(capsys, "detect", "test", "rules", "--events", "samples")
    assert outcome.code == ExitCode.FINDINGS
    assert (
        textwrap.dedent("""\
        FAIL  Exec by the CI robot (rules/ci.yml:1): 0 matched, 0 near misses quiet
              match.jsonl is missing
              nomatch.jsonl is missing""")
        in outcome.out
    )
