"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

One run. Every control that ran is a rule, with its rationale and fix as help text, its layer and
framework ids as tags, and a numeric ``security-severity`` so code scanning ranks its alerts.
FAIL findings are results; suppressed ones stay in the log with a ``suppressions`` entry (that is
how SARIF viewers hide accepted findings), so ``--show-suppressed`` does not change this format.
Inputs or checks that failed are tool execution notifications, and mark the invocation as
unsuccessful: the scan is incomplete.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

import orjson

from kubeguard import __version__
from kubeguard.findings import ScanResult, suppressed_inline
from kubeguard.model import Finding, RuleInfo, Severity, SourceLocation, Status
from kubeguard.report.describe import describe_expired
from kubeguard.report.json import detection_document, ingestion_document
from kubeguard.report.options import ReportOptions

#: A file path's SARIF artifact location (see :func:`artifact_location`).
Locate = Callable[[str], dict[str, str]]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The base every relative artifact URI is resolved against: the folder the scan ran in.
SOURCE_ROOT = "%SRCROOT%"
#: Key of the finding fingerprint in ``partialFingerprints``; bump the suffix if it changes.
FINGERPRINT_KEY = "kubeguardFingerprint/v1"
STDIN = "-"

#: GitHub code scanning reads ``security-severity`` as a CVSS-like score: over 9.0 is critical,
#: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}

LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render(result: ScanResult, options: ReportOptions) -> str:
    """:func:`render_bytes` as text."""
    return render_bytes(result, options).decode()


def render_bytes(result: ScanResult, options: ReportOptions) -> bytes:
    """The scan as one SARIF 2.1.0 log; file URIs are made relative to the current folder."""
    root = Path.cwd()
    # Thousands of findings sit in far fewer files, and the path arithmetic behind a location
    # would otherwise cost more than the rest of a result: each file's is worked out once.
    locate: Locate = functools.cache(lambda path: artifact_location(path, root))
    rule_ids = sorted(result.rules)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    results = [
        _result(finding, index, locate)
        for finding in result.findings
        if finding.control_id in index
        if finding.status == Status.FAIL or (options.show_passed and finding.status == Status.PASS)
    ]
    run: dict[str, Any] = {
        "tool": {"driver": _driver([result.rules[rule_id] for rule_id in rule_ids])},
        "invocations": [_invocation(result, index, locate, options)],
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "results": results,
        "properties": _run_properties(result),
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    # orjson adds the final newline: appending it to the decoded text would copy all of it again.
    return orjson.dumps(log, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _run_properties(result: ScanResult) -> dict[str, Any]:
    properties: dict[str, Any] = {"settings": dict(result.settings), "objects": result.objects}
    if result.ingestion is not None:
        properties["ingestion"] = ingestion_document(result.ingestion)
    return properties


def _driver(rules: list[RuleInfo]) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": "kubeguard",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule(rule) for rule in rules],
    }
    url = project_url()
    if url:
        driver["informationUri"] = url
    return driver


def project_url() -> str | None:
    """The project's home page from the installed package metadata, if it declares one."""
    try:
        meta = metadata("kubeguard")
    except PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    home_pages = meta.get_all("Home-page") or ()
    return next((str(page) for page in home_pages if page), None)


def _rule(rule: RuleInfo) -> dict[str, Any]:
    tags = ["security", "kubernetes"]
    if rule.layer is not None:
        tags.append(f"layer:{rule.layer.value}")
    tags += [f"{framework}:{ref}" for framework, refs in rule.refs.items() for ref in refs]
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(tags)),
        "security-severity": SECURITY_SEVERITY[rule.severity],
        "severity": rule.severity.value,
        "references": {framework: list(refs) for framework, refs in rule.refs.items()},
    }
    if rule.layer is not None:
        properties["layer"] = rule.layer.value
    return {
        "id": rule.id,
        "name": _pascal_case(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary or rule.title},
        "help": _help(rule),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }


def _help(rule: RuleInfo) -> dict[str, str]:
    text = [rule.summary or rule.title]
    markdown = [f"**{rule.title}**", "", rule.summary or rule.title]
    if rule.rationale:
        text.append(rule.rationale)
        markdown += ["", rule.rationale]
    if rule.remediation:
        text.append(f"Remediation: {rule.remediation}")
        markdown += ["", f"**Remediation.** {rule.remediation}"]
    if rule.refs:
        references = "; ".join(f"{key} {', '.join(ids)}" for key, ids in rule.refs.items())
        text.append(f"References: {references}")
        markdown += ["", "| Framework | Ids |", "|---|---|"]
        markdown += [
            f"| {_cell(key)} | {_cell(', '.join(ids))} |" for key, ids in rule.refs.items()
        ]
    return {"text": "\n\n".join(text), "markdown": "\n".join(markdown)}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _pascal_case(title: str) -> str:
    """``Containers are not privileged`` as ``ContainersAreNotPrivileged``."""
    words = (re.sub(r"[^0-9A-Za-z]", "", word) for word in title.split())
    return "".join(word[:1].upper() + word[1:] for word in words)


def _result(finding: Finding, index: Mapping[str, int], locate: Locate) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.control_id,
        "ruleIndex": index[finding.control_id],
        "level": LEVEL[finding.severity] if finding.status == Status.FAIL else "none",
        "message": {"text": _message(finding)},
        "locations": _locations(finding, locate),
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "severity": finding.severity.value,
            "evidence": [{"path": item.dotted, "value": item.value} for item in finding.evidence],
        },
    }
    if finding.detection is not None:
        entry["properties"]["detection"] = detection_document(finding.detection)
    if finding.status == Status.PASS:
        entry["kind"] = "pass"
    if finding.suppressed_by is not None:
        entry["suppressions"] = [
            {
                "kind": "inSource" if suppressed_inline(finding) else "external",
                "status": "accepted",
                "justification": finding.suppressed_by,
            }
        ]
    return entry


def _message(finding: Finding) -> str:
    if finding.resource is None:
        return finding.message
    return f"{finding.resource}: {finding.message}"


def _locations(finding: Finding, locate: Locate) -> list[dict[str, Any]]:
    location: dict[str, Any] = {}
    physical = _physical(finding.location, locate)
    if physical is not None:
        location["physicalLocation"] = physical
    if finding.resource is not None:
        location["logicalLocations"] = [
            {
                "name": finding.resource.name,
                "fullyQualifiedName": str(finding.resource),
                "kind": "resource",
            }
        ]
    return [location] if location else []


def _physical(source: SourceLocation | None, locate: Locate) -> dict[str, Any] | None:
    if source is None or source.path in ("", STDIN):
        return None
    physical: dict[str, Any] = {"artifactLocation": locate(source.path)}
    if source.line is not None and source.line >= 1:
        region: dict[str, int] = {"startLine": source.line}
        if source.column is not None and source.column >= 1:
            region["startColumn"] = source.column
        physical["region"] = region
    return physical


def artifact_location(path: str, root: Path) -> dict[str, str]:
    """``path`` as a SARIF artifact location: relative to ``root`` when below it, else absolute."""
    absolute = Path(path) if Path(path).is_absolute() else root / path
    absolute = Path(_normalise(absolute))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SOURCE_ROOT}


def _normalise(path: Path) -> str:
    """Resolve ``..`` and ``.`` lexically: the file may be gone, and symlinks stay as given."""
    parts: list[str] = []
    for part in PurePath(path).parts[1:]:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return str(PurePath(path.anchor, *parts))


def _invocation(
    result: ScanResult, index: Mapping[str, int], locate: Locate, options: ReportOptions
) -> dict[str, Any]:
    notifications = [_error_notification(error, index, locate) for error in result.errors]
    if options.verbose:
        notifications += [
            _notification("note", note.message, _physical(note.location, locate))
            for note in result.notes
        ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.incomplete,
        "toolExecutionNotifications": notifications,
    }
    if result.expired_exceptions:
        invocation["toolConfigurationNotifications"] = [
            _notification("warning", describe_expired(rule), None)
            for rule in result.expired_exceptions
        ]
    return invocation


def _error_notification(error: Finding, index: Mapping[str, int], locate: Locate) -> dict[str, Any]:
    notification = _notification("error", _message(error), _physical(error.location, locate))
    notification["descriptor"] = {"id": error.control_id}
    if error.control_id in index:
        notification["associatedRule"] = {
            "id": error.control_id,
            "index": index[error.control_id],
        }
    return notification


def _notification(level: str, text: str, physical: dict[str, Any] | None) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": level, "message": {"text": text}}
    if physical is not None:
        notification["locations"] = [{"physicalLocation": physical}]
    return notification
