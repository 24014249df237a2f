"""``kubeguard dockerfile lint`` and ``rules`` end to end: exit codes, formats, suppressions."""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from tests.unit.cli.helpers import run_cli, write

CLEAN = "FROM alpine:3.20\nUSER 10001\nHEALTHCHECK NONE\n"
#: One high (root), one medium (latest) and one low (no HEALTHCHECK) finding.
FAILING = "FROM alpine:latest\n# hadolint ignore=DL3018\nRUN apk add --no-cache curl\n"


@pytest.fixture(autouse=True)
def _no_user_hadolint_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outcome = run_cli(capsys, "dockerfile", "lint", write(tmp_path, "Dockerfile", CLEAN))
    assert outcome.code == ExitCode.CLEAN
    assert "No failing findings." in outcome.out


def test_findings_exit_1_and_json_lists_them_with_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = write(tmp_path, "api.Dockerfile", FAILING)
    outcome = run_cli(capsys, "dockerfile", "lint", name, "--format", "json")
    assert outcome.code == ExitCode.FINDINGS
    found = {
        (f["control_id"], f["location"]["line"], f["resource"]["kind"], f["resource"]["name"])
        for f in outcome.json()["findings"]
    }
    assert found == {
        ("KG-DF-001", 1, "Dockerfile", name),
        ("KG-DF-003", 1, "Dockerfile", name),
        ("KG-DF-016", 1, "Dockerfile", name),
    }
    assert outcome.json()["summary"]["counts"]["suppressed"] == 1


def test_fail_on_threshold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = write(tmp_path, "Dockerfile", FAILING.replace("USER", "#"))
    assert run_cli(capsys, "dockerfile", "lint", name, "--fail-on", "critical").code == 0
    assert run_cli(capsys, "dockerfile", "lint", name, "--fail-on", "high").code == 1


def test_show_suppressed_lists_the_comment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = write(tmp_path, "Dockerfile", FAILING)
    outcome = run_cli(capsys, "dockerfile", "lint", name, "--show-suppressed", "--no-color")
    assert "Suppressed" in outcome.out
    assert "KG-DF-040" in outcome.out
    assert "suppressed by annotation # hadolint ignore=DL3018" in outcome.out
    hidden = run_cli(capsys, "dockerfile", "lint", name, "--no-color")
    assert "KG-DF-040" not in hidden.out


def test_sarif_and_junit_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = write(tmp_path, "Dockerfile", FAILING)
    outcome = run_cli(capsys, "dockerfile", "lint", name, "--format", "sarif", "-o", "out.sarif")
    assert outcome.code == ExitCode.FINDINGS
    assert outcome.out == ""
    (run,) = json.loads((tmp_path / "out.sarif").read_text())["runs"]
    results = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    }
    assert ("KG-DF-003", 1) in results
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["KG-DF-001"]["properties"]["references"]["hadolint"] == ["DL3002"]
    assert len(rules) == 57

    run_cli(capsys, "dockerfile", "lint", name, "--format", "junit", "-o", "out.xml")
    suite = ET.parse(tmp_path / "out.xml").getroot()  # noqa: S314 - parses our own output
    assert suite.find(".//failure") is not None


def test_stdin_and_unreadable_inputs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLEAN.encode())))
    assert run_cli(capsys, "dockerfile", "lint", "-").code == ExitCode.CLEAN

    broken = write(tmp_path, "Dockerfile", "FROM alpine:3.20\nBOGUS x\n")
    outcome = run_cli(capsys, "dockerfile", "lint", broken, "--format", "json")
    assert outcome.code == ExitCode.INCOMPLETE
    assert outcome.err == "kubeguard: error: Dockerfile:2: unknown instruction 'BOGUS'\n"


def test_bad_hadolint_config_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, ".hadolint.yaml", "ignored: DL3008\n")
    outcome = run_cli(capsys, "dockerfile", "lint", write(tmp_path, "Dockerfile", CLEAN))
    assert outcome.code == ExitCode.USAGE
    assert outcome.err == (
        "kubeguard: error: .hadolint.yaml:1: hadolint config: ignored must be a list of strings\n"
    )
    skipped = run_cli(capsys, "dockerfile", "lint", "Dockerfile", "--no-hadolint-config")
    assert skipped.code == ExitCode.CLEAN


def test_rules_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run_cli(capsys, "dockerfile", "rules", "--format", "json")
    rules = {rule["id"]: rule for rule in json.loads(outcome.out)}
    assert len(rules) == 57
    assert rules["KG-DF-013"]["references"] == {
        "hadolint": ["DL3064"],
        "trivy": ["DS031"],
        "cis-docker": ["4.10"],
    }
    assert rules["KG-DF-013"]["layer"] == "image"
