"""JUnit XML: one suite per control, one case per resource, parsed back to check the counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kubeguard.model import Finding, SourceLocation, Status
from kubeguard.report import ReportOptions
from kubeguard.report.junit import render
from tests.unit.report.sample import (
    API,
    CAPABILITIES,
    DIGEST,
    INLINE_REASON,
    PRIVILEGED,
    RULES,
    UNREADABLE,
    make_finding,
    sample_result,
)


def _parse(
    options: ReportOptions | None = None, findings: list[Finding] | None = None
) -> ET.Element:
    text = render(sample_result(findings), options or ReportOptions())
    return ET.fromstring(text)  # noqa: S314 - parses our own output


def _suite(root: ET.Element, control_id: str) -> ET.Element:
    (suite,) = [s for s in root.iter("testsuite") if s.get("name", "").startswith(control_id)]
    return suite


def _case(suite: ET.Element, name: str) -> ET.Element:
    (case,) = [c for c in suite.iter("testcase") if c.get("name") == name]
    return case


def test_one_suite_per_control_named_with_its_title() -> None:
    root = _parse()
    names = [suite.get("name") for suite in root.iter("testsuite")]
    assert names == [
        f"{DIGEST} {RULES[DIGEST].title}",
        f"{UNREADABLE}",
        f"{PRIVILEGED} {RULES[PRIVILEGED].title}",
        f"{CAPABILITIES} {RULES[CAPABILITIES].title}",
    ]


def test_counts_in_attributes_match_the_cases() -> None:
    root = _parse()
    for suite in root.iter("testsuite"):
        cases = list(suite.iter("testcase"))
        assert suite.get("tests") == str(len(cases))
        for element, attribute in (
            ("failure", "failures"),
            ("error", "errors"),
            ("skipped", "skipped"),
        ):
            assert suite.get(attribute) == str(sum(1 for c in cases if c.find(element) is not None))
    # The sample: 4 failing (control, resource) pairs, 1 unreadable input, 2 suppressed, 1 pass.
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "8",
        "failures": "4",
        "errors": "1",
        "skipped": "2",
    }


def test_failure_lists_every_violation_with_location_and_fix() -> None:
    suite = _suite(_parse(), PRIVILEGED)
    case = _case(suite, "Pod web/api")
    assert case.get("classname") == PRIVILEGED
    assert (case.get("file"), case.get("line")) == ("app.yaml", "12")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "privileged (container 'main')"
    assert failure.get("type") == "critical"
    assert "app.yaml:12: privileged (container 'main')" in (failure.text or "")
    assert f"fix: {RULES[PRIVILEGED].remediation}" in (failure.text or "")


def test_several_violations_on_one_resource_make_one_case() -> None:
    findings = [
        make_finding(PRIVILEGED, Status.FAIL, API, SourceLocation("app.yaml", 12), "container a"),
        make_finding(PRIVILEGED, Status.FAIL, API, SourceLocation("app.yaml", 20), "container b"),
    ]
    (case,) = _parse(findings=findings).iter("testcase")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 problems: container a; container b"
    assert case.get("line") == "12"


def test_unreadable_input_is_an_error_case_named_after_the_file() -> None:
    suite = _suite(_parse(), UNREADABLE)
    case = _case(suite, "broken.yaml")
    error = case.find("error")
    assert error is not None
    assert "broken.yaml:3:5: bad" in (error.text or "")


def test_suppressed_findings_are_skipped_with_their_reason() -> None:
    case = _case(_suite(_parse(), PRIVILEGED), "DaemonSet kube-system/agent")
    assert case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None
    assert INLINE_REASON in skipped.get("message", "")


def test_passes_are_cases_without_children() -> None:
    case = _case(_suite(_parse(), DIGEST), "Deployment web/front")
    assert list(case) == []


def test_characters_xml_cannot_carry_are_replaced() -> None:
    hostile = make_finding(
        PRIVILEGED, Status.FAIL, API, SourceLocation("a.yaml", 1), 'nul\x00 esc\x1b <&"> ok'
    )
    failure = next(_parse(findings=[hostile]).iter("failure"))
    assert failure.get("message") == 'nul\ufffd esc\ufffd <&"> ok'


def test_passes_and_suppressed_cases_are_listed_whatever_the_options() -> None:
    every = ReportOptions(show_passed=True, show_suppressed=True)
    assert ET.tostring(_parse()) == ET.tostring(_parse(every))
