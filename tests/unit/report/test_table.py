"""The terminal report: grouping, errors first, summary, colour, and literal manifest text."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kubeguard.model import Severity, SourceLocation, Status
from kubeguard.report import ReportOptions
from kubeguard.report.table import render
from tests.unit.report.sample import (
    API,
    CAPABILITIES,
    DIGEST,
    INLINE_REASON,
    PRIVILEGED,
    RULES,
    make_finding,
    sample_findings,
    sample_result,
)

PLAIN = ReportOptions(color=False)
ANSI_ESCAPE = "\x1b["


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _index(lines: list[str], needle: str) -> int:
    return next(number for number, line in enumerate(lines) if needle in line)


def test_errors_come_first_and_say_the_scan_is_incomplete() -> None:
    lines = _lines(render(sample_result(), PLAIN))
    incomplete = _index(lines, "SCAN INCOMPLETE")
    error = _index(lines, "broken.yaml:3:5")
    assert "KG-INPUT-001" in lines[error]
    assert "ERROR" in lines[error]
    assert incomplete < error < _index(lines, PRIVILEGED)


def test_no_incomplete_banner_when_every_input_was_read() -> None:
    findings = [f for f in sample_findings() if f.status != Status.ERROR]
    text = render(sample_result(findings), PLAIN)
    assert "INCOMPLETE" not in text
    assert "0 errors" in text


def test_findings_are_grouped_by_layer_then_severity_most_severe_first() -> None:
    lines = _lines(render(sample_result(), PLAIN))
    pod, image = lines.index("pod"), lines.index("image")
    critical = _index(lines, f"CRITICAL  {PRIVILEGED}")
    medium = _index(lines, f"MEDIUM    {CAPABILITIES}")
    low = _index(lines, f"LOW       {DIGEST}")
    assert pod < critical < medium < image < low


def test_each_finding_shows_resource_location_message_and_fix() -> None:
    lines = _lines(render(sample_result(), PLAIN))
    finding = _index(lines, "privileged (container 'main')")
    assert "Pod web/api" in lines[finding]
    assert "app.yaml:12" in lines[finding]
    heading = max(n for n in range(finding) if PRIVILEGED in lines[n])
    assert RULES[PRIVILEGED].title in lines[heading]
    fix = _index(lines[finding:], "fix:") + finding
    assert RULES[PRIVILEGED].remediation in lines[fix]
    # Both failing objects of the control are listed under the one heading, in file order.
    assert "Deployment web/front  app.yaml:40" in lines[finding + 1]


def test_summary_counts_every_outcome_and_names_the_threshold() -> None:
    options = replace(PLAIN, fail_on=Severity.MEDIUM)
    summary = _lines(render(sample_result(), options))[-1]
    assert summary.startswith("Summary: 3 objects, 3 controls, ")
    assert "4 failed (2 critical, 1 medium, 1 low)" in summary
    assert "1 passed" in summary
    assert "2 suppressed" in summary
    assert "1 error" in summary
    assert "--fail-on medium: 3 findings at or above it" in summary
    assert "INCOMPLETE" in summary


def test_summary_says_when_nothing_reaches_the_threshold() -> None:
    findings = [f for f in sample_findings() if f.control_id == DIGEST]
    options = replace(PLAIN, fail_on=Severity.HIGH)
    summary = _lines(render(sample_result(findings), options))[-1]
    assert "--fail-on high: nothing at or above it" in summary


def test_suppressed_findings_are_counted_but_listed_only_on_request() -> None:
    hidden = render(sample_result(), PLAIN)
    assert "privileged agent" not in hidden
    assert "2 suppressed" in hidden
    shown = _lines(render(sample_result(), replace(PLAIN, show_suppressed=True)))
    agent = _index(shown, "privileged agent")
    assert _index(shown, "Suppressed") < agent
    assert "DaemonSet kube-system/agent" in shown[agent]
    assert INLINE_REASON in shown[agent]
    config_suppressed = _index(shown, "agent image")
    assert "config exception: vendor image" in shown[config_suppressed]


def test_expired_exceptions_are_warnings() -> None:
    lines = _lines(render(sample_result(), PLAIN))
    warning = _index(lines, "migration window")
    assert lines[warning].strip().startswith("warning:")
    assert "KG-POD-*" in lines[warning]
    assert "expired on 2020-01-31" in lines[warning]


def test_passes_and_notes_are_listed_only_on_request() -> None:
    default = render(sample_result(), PLAIN)
    assert "Passed" not in default
    assert "values.yaml" not in default
    detailed = _lines(render(sample_result(), replace(PLAIN, show_passed=True, verbose=True)))
    passed = _index(detailed, "PASS")
    assert f"{DIGEST}  Deployment web/front  app.yaml:30" in detailed[passed]
    assert "values.yaml:1  no apiVersion and kind" in detailed[_index(detailed, "values.yaml")]


def test_a_clean_scan_says_so() -> None:
    text = render(sample_result([]), PLAIN)
    assert "No failing findings." in text
    assert "0 failed" in text


def test_plain_output_has_no_escape_codes() -> None:
    text = render(sample_result(), replace(PLAIN, show_suppressed=True, show_passed=True))
    assert ANSI_ESCAPE not in text


def test_colour_output_styles_severities() -> None:
    text = render(sample_result(), ReportOptions(color=True))
    assert ANSI_ESCAPE in text
    # Stripped of its styles, the coloured report says exactly what the plain one says.
    assert _strip_ansi(text) == render(sample_result(), PLAIN)


@pytest.mark.parametrize("color", [True, False])
def test_markup_in_manifest_text_is_printed_literally(color: bool) -> None:
    hostile = replace(API, name="[bold]evil[/bold]")
    finding = make_finding(
        PRIVILEGED, Status.FAIL, hostile, SourceLocation("[red]x.yaml", 2), "[link=x]msg :smile:"
    )
    text = _strip_ansi(render(sample_result([finding]), ReportOptions(color=color)))
    assert "Pod web/[bold]evil[/bold]  [red]x.yaml:2  [link=x]msg :smile:" in text


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
