"""No report carries a credential, whatever control quoted it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.findings.redaction import redact_findings, redact_text
from kubeguard.model import ControlId, Evidence, Finding, Layer, Severity, Status
from kubeguard.report import OutputFormat, ReportOptions, render
from kubeguard.scan import scan_manifests

KEY = "AKIAIOSFODNN7EXAMPLE"
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a test secret that must never be printed

LEAKY = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: leaky}}
spec:
  containers:
    - name: migrate
      image: registry.example/migrate:1
      command: [sh, -c, "sudo mysql --password={PASSWORD} -e 'select 1'"]
    - name: sync
      image: registry.example/git-sync:4
      args: ["--git-config=http.extraHeader:Authorization: Basic {KEY}"]
    - name: typo
      image: registry.example/app:1
      env: "AWS_ACCESS_KEY_ID={KEY}"
"""


def test_redact_text_keeps_everything_but_the_secret() -> None:
    text = f"runs sudo in command[2]: 'mysql --password={PASSWORD}' with {KEY}"
    cleaned = redact_text(text)
    assert PASSWORD not in cleaned
    assert KEY not in cleaned
    assert cleaned.startswith(
        "runs sudo in command[2]: 'mysql --password=[redacted, 28 characters]'"
    )


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_no_report_format_carries_quoted_secrets(
    tmp_path: Path, output_format: OutputFormat
) -> None:
    (tmp_path / "pod.yaml").write_text(LEAKY)
    result = scan_manifests([str(tmp_path / "pod.yaml")])
    fired = {f.control_id for f in result.failures()} | {f.control_id for f in result.errors}
    assert {"KG-POD-024", "KG-POD-036", "KG-INPUT-002"} <= fired
    text = render(result, output_format, ReportOptions(show_passed=True, show_suppressed=True))
    assert PASSWORD not in text
    assert KEY not in text


def _failure(message: str, value: object) -> Finding:
    return Finding(
        control_id=ControlId("KG-POD-900"),
        layer=Layer.POD,
        severity=Severity.LOW,
        status=Status.FAIL,
        resource=None,
        message=message,
        location=None,
        evidence=(Evidence(("spec",), value),),
    )


def test_every_repeat_of_a_quoted_secret_is_redacted() -> None:
    leaky = _failure(f"quotes --password={PASSWORD}", [f"--password={PASSWORD}"])
    clean = _failure("quotes nothing", ["--verbose"])
    redacted = redact_findings([leaky, clean, leaky, clean])
    assert redacted[1] is clean
    assert redacted[3] is clean
    for finding in (redacted[0], redacted[2]):
        assert PASSWORD not in finding.message
        assert PASSWORD not in str(finding.evidence[0].value)
        assert "[redacted, 28 characters]" in finding.message
