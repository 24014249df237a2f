"""``kubeguard scan`` and ``kubeguard controls`` end to end: exit codes, streams, formats."""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.model import Severity
from tests.unit.cli.helpers import (
    PRIVILEGED,
    PRIVILEGED_LINE,
    only_privileged_control,
    pod,
    run_cli,
    write,
)

ANSI_ESCAPE = "\x1b["
BROKEN = """\
apiVersion: v1
kind: Pod
metadata:
  name: broken
  labels: [unclosed
"""


@pytest.fixture
def clean(tmp_path: Path) -> str:
    return write(tmp_path, "clean.yaml", pod("ok", privileged=False))


@pytest.fixture
def failing(tmp_path: Path) -> str:
    return write(tmp_path, "failing.yaml", pod("root", privileged=True))


def test_clean_scan_exits_0(capsys: pytest.CaptureFixture[str], clean: str) -> None:
    outcome = run_cli(capsys, "scan", clean)
    assert outcome.code == ExitCode.CLEAN
    assert "No failing findings." in outcome.out
    assert outcome.err == ""


def test_failing_findings_exit_1(capsys: pytest.CaptureFixture[str], failing: str) -> None:
    outcome = run_cli(capsys, "scan", failing, "--format", "json")
    assert outcome.code == ExitCode.FINDINGS
    (finding,) = outcome.findings()
    assert finding["status"] == "fail"
    assert finding["location"] == {
        "path": "failing.yaml",
        "line": PRIVILEGED_LINE,
        "column": None,
        "document": 0,
    }


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [
        ("info", ExitCode.FINDINGS),
        ("medium", ExitCode.FINDINGS),
        ("high", ExitCode.CLEAN),
        ("critical", ExitCode.CLEAN),
    ],
)
def test_fail_on_is_a_threshold(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
    fail_on: str,
    expected: ExitCode,
) -> None:
    only_privileged_control(monkeypatch, Severity.MEDIUM)
    outcome = run_cli(capsys, "scan", failing, "--fail-on", fail_on)
    assert outcome.code == expected
    # Below the threshold the finding is still reported; only the exit code changes.
    assert PRIVILEGED in outcome.out
    assert f"--fail-on {fail_on}:" in outcome.out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["scan", "x.yaml", "--no-such-flag"], "No such option '--no-such-flag'"),
        (["scan"], "Missing argument"),
        (["scan", "x.yaml", "--fail-on", "severe"], "Invalid value for '--fail-on'"),
        (["scan", "x.yaml", "--pss-version", "1.30"], "invalid Pod Security Standards version"),
        (["scan", "x.yaml", "--format", "html"], "Invalid value for '-f' / '--format'"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    outcome = run_cli(capsys, *argv)
    assert outcome.code == ExitCode.USAGE
    assert says in outcome.err
    assert outcome.out == ""
    assert "Traceback" not in outcome.err


def test_bad_config_exits_2_naming_file_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clean: str
) -> None:
    write(tmp_path, "kg.yaml", "fail_on: high\nexceptions:\n  - controls: KG-POD-001\n")
    outcome = run_cli(capsys, "scan", clean, "--config", "kg.yaml")
    assert outcome.code == ExitCode.USAGE
    assert outcome.err.count("\n") == 1
    assert outcome.err.startswith("kubeguard: error: kg.yaml:3: ")
    assert "exceptions.0.reason" in outcome.err


def test_unreadable_input_exits_3_and_the_rest_is_still_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, failing: str
) -> None:
    broken = write(tmp_path, "broken.yaml", BROKEN)
    outcome = run_cli(capsys, "scan", broken, failing, "--format", "json")
    assert outcome.code == ExitCode.INCOMPLETE
    assert outcome.json()["summary"]["incomplete"] is True
    (finding,) = outcome.findings()
    assert finding["resource"]["name"] == "root"
    (error,) = outcome.findings("KG-INPUT-001")
    assert error["location"]["path"] == "broken.yaml"
    (line,) = outcome.err.splitlines()
    assert line.startswith(f"kubeguard: error: broken.yaml:{error['location']['line']}:")


def test_unreadable_input_in_the_table_is_one_line_of_the_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, failing: str
) -> None:
    broken = write(tmp_path, "broken.yaml", BROKEN)
    outcome = run_cli(capsys, "scan", broken, failing)
    assert outcome.code == ExitCode.INCOMPLETE
    assert outcome.err == ""
    (line,) = [line for line in outcome.out.splitlines() if "broken.yaml:" in line]
    assert "KG-INPUT-001" in line
    assert "SCAN INCOMPLETE" in outcome.out
    assert f"Pod web/root  failing.yaml:{PRIVILEGED_LINE}" in outcome.out


def test_missing_input_exits_3(capsys: pytest.CaptureFixture[str], clean: str) -> None:
    outcome = run_cli(capsys, "scan", clean, "nowhere.yaml", "--format", "sarif")
    assert outcome.code == ExitCode.INCOMPLETE
    assert "nowhere.yaml: no such file or folder" in outcome.err


def test_stdin_is_read_for_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = pod("piped", privileged=True).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    outcome = run_cli(capsys, "scan", "-", "--format", "json")
    assert outcome.code == ExitCode.FINDINGS
    (finding,) = outcome.findings()
    assert finding["resource"]["name"] == "piped"
    assert finding["location"]["path"] == "-"


def test_output_file_gets_the_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, failing: str
) -> None:
    outcome = run_cli(capsys, "scan", failing, "-f", "sarif", "-o", "out.sarif")
    assert outcome.code == ExitCode.FINDINGS
    assert outcome.out == ""
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == PRIVILEGED


def test_table_written_to_a_file_is_plain(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    failing: str,
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    run_cli(capsys, "scan", failing, "-o", "report.txt")
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert PRIVILEGED in text
    assert ANSI_ESCAPE not in text


def test_table_is_the_default_format(capsys: pytest.CaptureFixture[str], failing: str) -> None:
    outcome = run_cli(capsys, "scan", failing)
    assert outcome.out.startswith("kubeguard ")
    assert outcome.out.splitlines()[-1].startswith("Summary: 1 object, 1 control, 1 failed")


def test_colour_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    assert ANSI_ESCAPE not in run_cli(capsys, "scan", failing).out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert ANSI_ESCAPE in run_cli(capsys, "scan", failing).out
    assert ANSI_ESCAPE not in run_cli(capsys, "scan", failing, "--no-color").out
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI_ESCAPE not in run_cli(capsys, "scan", failing).out


def test_junit_output_parses(capsys: pytest.CaptureFixture[str], failing: str, clean: str) -> None:
    outcome = run_cli(capsys, "scan", failing, clean, "--format", "junit")
    root = ET.fromstring(outcome.out)  # noqa: S314 - parses our own output
    assert (root.get("tests"), root.get("failures")) == ("2", "1")


# kubeguard controls


def test_controls_json_describes_each_control(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run_cli(capsys, "controls", "--format", "json", "--layer", "pod")
    assert outcome.code == ExitCode.CLEAN
    controls = json.loads(outcome.out)
    assert {c["layer"] for c in controls} == {"pod"}
    (privileged,) = [c for c in controls if c["id"] == PRIVILEGED]
    assert privileged["severity"] == "critical"
    assert privileged["remediation"]
    assert "CKV_K8S_16" in privileged["references"]["checkov"]


def test_controls_framework_filter(capsys: pytest.CaptureFixture[str]) -> None:
    checkov = json.loads(run_cli(capsys, "controls", "-f", "json", "--framework", "checkov").out)
    assert PRIVILEGED in {c["id"] for c in checkov}
    assert all("checkov" in c["references"] for c in checkov)
    unknown = run_cli(capsys, "controls", "-f", "json", "--framework", "no-such-framework")
    assert json.loads(unknown.out) == []


def test_controls_markdown_has_a_section_per_control(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run_cli(capsys, "controls", "--format", "markdown", "--layer", "pod")
    assert outcome.out.startswith("# kubeguard controls\n")
    assert f"\n## {PRIVILEGED}: Containers are not privileged\n" in outcome.out
    rows = [line for line in outcome.out.splitlines() if line.startswith(f"| {PRIVILEGED} |")]
    assert len(rows) == 1


def test_controls_table_lists_ids_and_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run_cli(capsys, "controls", "--layer", "pod")
    lines = outcome.out.splitlines()
    assert lines[0].split() == ["ID", "LAYER", "SEVERITY", "TITLE"]
    listed = [line for line in lines[1:] if line.startswith("KG-")]
    assert any(line.split()[:3] == [PRIVILEGED, "pod", "critical"] for line in listed)
    assert lines[-1] == f"{len(listed)} controls"


def test_controls_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "controls", "--format", "yaml").code == ExitCode.USAGE
