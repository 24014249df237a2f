"""JUnit XML report, for CI systems that show test results.

One ``testsuite`` per control, one ``testcase`` per (control, resource): a ``failure`` when the
control failed on the resource (every violation listed), an ``error`` when the input or the check
could not be evaluated, ``skipped`` when an exception suppressed every failure, and no child when
it passed. Passing cases are always listed, since a test report that hides passes misleads.
The document is built with :mod:`xml.etree.ElementTree`; characters XML 1.0 cannot carry (control
characters from a hostile manifest) are replaced, so the output always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from kubeguard.findings import ScanResult
from kubeguard.model import Finding, RuleInfo, Status
from kubeguard.report.describe import describe_resource
from kubeguard.report.options import ReportOptions

# Everything outside XML 1.0's Char production: C0 controls other than tab/LF/CR, surrogates,
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_REPLACEMENT = "\ufffd"

_COUNTED = ("tests", "failures", "errors", "skipped")
#: The suite attribute that counts each case outcome (passes are only in ``tests``).
_COUNTER = {"failure": "failures", "error": "errors", "skipped": "skipped"}


class _Case(NamedTuple):
    """The findings of one control on one resource (or on one unreadable input)."""

    control_id: str
    subject: str
    findings: tuple[Finding, ...]
    outcome: str
    """``error``, ``failure``, ``skipped`` or ``passed``, the worst finding deciding."""


def _outcome(findings: Sequence[Finding]) -> str:
    statuses = {f.status for f in findings if f.suppressed_by is None}
    if Status.ERROR in statuses:
        return "error"
    if Status.FAIL in statuses:
        return "failure"
    if Status.PASS in statuses:
        return "passed"
    return "skipped"


def render(result: ScanResult, options: ReportOptions) -> str:
    """The scan as a JUnit XML document (``options`` does not change what a test report lists)."""
    del options  # JUnit always lists passing and suppressed cases
    root = ET.Element("testsuites", name="kubeguard")
    cases_by_control: dict[str, list[_Case]] = defaultdict(list)
    for case in _cases(result.findings):
        cases_by_control[case.control_id].append(case)
    for control_id in sorted(cases_by_control):
        root.append(_suite(control_id, result.rules.get(control_id), cases_by_control[control_id]))
    _sum_counts(root, list(root))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _cases(findings: Sequence[Finding]) -> list[_Case]:
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    resource, subject = None, ""
    for finding in findings:
        # Findings come grouped by object: describe each object once, not once per finding.
        if finding.resource is None or finding.resource is not resource:
            resource, subject = finding.resource, _subject(finding)
        grouped[(finding.control_id, subject)].append(finding)
    return [
        _Case(control_id, subject, tuple(group), _outcome(group))
        for (control_id, subject), group in sorted(grouped.items())
    ]


def _subject(finding: Finding) -> str:
    if finding.resource is not None:
        return describe_resource(finding.resource)
    if finding.location is not None:
        return finding.location.path
    return "(unknown input)"


def _suite(control_id: str, rule: RuleInfo | None, cases: list[_Case]) -> ET.Element:
    suite = ET.Element(
        "testsuite", name=_clean(f"{control_id} {rule.title}" if rule else control_id)
    )
    if rule is not None:
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("title", rule.title),
            ("severity", rule.severity.value),
            ("layer", rule.layer.value if rule.layer else ""),
            ("remediation", rule.remediation),
        ):
            ET.SubElement(properties, "property", name=name, value=_clean(value))
    counts = dict.fromkeys(_COUNTED, 0)
    for case in cases:
        suite.append(_testcase(case, rule))
        counts["tests"] += 1
        if case.outcome in _COUNTER:
            counts[_COUNTER[case.outcome]] += 1
    for name, count in counts.items():
        suite.set(name, str(count))
    return suite


def _testcase(case: _Case, rule: RuleInfo | None) -> ET.Element:
    testcase = ET.Element("testcase", classname=case.control_id, name=_clean(case.subject))
    first = min(
        (f.location for f in case.findings if f.location is not None),
        key=lambda location: location.line or 0,
        default=None,
    )
    if first is not None:
        testcase.set("file", _clean(first.path))
        if first.line is not None:
            testcase.set("line", str(first.line))
    outcome = case.outcome
    if outcome == "passed":
        return testcase
    if outcome == "skipped":
        reasons = sorted({f.suppressed_by or f.status.value for f in case.findings})
        ET.SubElement(testcase, "skipped", message=_clean("; ".join(reasons)))
        return testcase
    wanted = Status.ERROR if outcome == "error" else Status.FAIL
    listed = [f for f in case.findings if f.status == wanted and f.suppressed_by is None]
    element = ET.SubElement(
        testcase,
        outcome,
        message=_clean(_headline(listed)),
        type=listed[0].severity.value,
    )
    lines = [f"{f.location or '(unknown location)'}: {f.message}" for f in listed]
    if outcome == "failure" and rule is not None and rule.remediation:
        lines.append(f"fix: {rule.remediation}")
    element.text = _clean("\n".join(lines))
    return testcase


def _headline(findings: Sequence[Finding]) -> str:
    if len(findings) == 1:
        return findings[0].message
    return f"{len(findings)} problems: " + "; ".join(f.message for f in findings)


def _sum_counts(root: ET.Element, suites: Sequence[ET.Element]) -> None:
    for name in _COUNTED:
        root.set(name, str(sum(int(suite.get(name, "0")) for suite in suites)))


def _clean(text: str) -> str:
    """Text XML 1.0 can carry: forbidden characters become U+FFFD."""
    return _NOT_XML.sub(_REPLACEMENT, text)
