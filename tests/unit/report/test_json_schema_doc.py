"""docs/json-schema.md documents every field the JSON report emits, with its type, and nothing
the report does not emit."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from kubeguard.detect import DetectionRun, DetectOptions
from kubeguard.findings import ScanResult
from kubeguard.model import Layer, Severity, SourceLocation, Status
from kubeguard.report import ReportOptions
from kubeguard.report.json import SCHEMA, render
from kubeguard.scan import ScanOptions, scan_objects
from tests.conftest import ROOT
from tests.unit.report.sample import API, DIGEST, make_finding, sample_findings, sample_result

DOC = ROOT / "docs" / "json-schema.md"
_ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| (?P<type>[^|]+?) \|", re.MULTILINE)
_JSON_TYPES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    type(None): "null",
}


def _documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    return {m["path"]: set(m["type"].split(" or ")) for m in _ROW.finditer(text)}


def _report() -> dict[str, Any]:
    """A report in which every field appears: every severity fails, every option is on."""
    every_severity = [
        make_finding(DIGEST, Status.FAIL, API, SourceLocation("s.yaml", n), severity=severity)
        for n, severity in enumerate(Severity, start=1)
    ]
    # The settings keys come from a real scan, so a new setting must be documented too.
    filtered = ScanOptions(framework="pss", layers=(Layer.POD, Layer.IMAGE))
    detection = _detection()
    result = replace(
        sample_result(sample_findings() + every_severity + detection.findings),
        settings={**scan_objects([], filtered).settings, **detection.settings},
        ingestion=detection.ingestion,
        rules={**sample_result().rules, **detection.rules},
    )
    options = ReportOptions(show_passed=True, show_suppressed=True, verbose=True)
    report: dict[str, Any] = json.loads(render(result, options))
    return report


def _detection() -> ScanResult:
    """A real detection run whose finding fills every detection field (threat lists included)."""
    event = {
        "kind": "Event",
        "auditID": "4f1c2d9e-0000-4000-8000-000000000001",
        "stage": "ResponseComplete",
        "verb": "get",
        "requestURI": "/api/v1/namespaces/shop/secrets/db",
        "user": {"username": "mallory", "uid": "u-1", "groups": ["system:authenticated"]},
        "impersonatedUser": {"username": "system:serviceaccount:shop:orders", "groups": ["g"]},
        "sourceIPs": ["185.220.101.7"],
        "userAgent": "curl/8.5.0",
        "objectRef": {"resource": "secrets", "namespace": "shop", "name": "db", "apiGroup": ""},
        "responseStatus": {"code": 200},
        "requestReceivedTimestamp": "2026-03-02T10:00:00.000000Z",
    }
    run = DetectionRun(DetectOptions(address_lists={"tor": {"185.220.101.7"}}))
    findings = list(run.findings(run.reader.events_in(event, "audit.log", 1)))
    return run.result(findings)


def _walk(value: Any, path: str, documented: dict[str, set[str]], seen: set[str]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else key
            if child_path not in documented and f"{path}.*" in documented:
                child_path = f"{path}.*"
            assert child_path in documented, f"{child_path} is emitted but not in {DOC.name}"
            types = documented[child_path]
            seen.add(child_path)
            if "any" in types:
                continue
            assert _JSON_TYPES[type(child)] in types, (
                f"{child_path} is {_JSON_TYPES[type(child)]}, documented as {types}"
            )
            _walk(child, child_path, documented, seen)
    elif isinstance(value, list):
        for item in value:
            _walk(item, f"{path}[]", documented, seen)


def test_every_emitted_field_is_documented_with_its_type() -> None:
    documented = _documented()
    seen: set[str] = set()
    _walk(_report(), "", documented, seen)
    assert seen == set(documented), f"documented but never emitted: {set(documented) - seen}"


def test_the_document_names_the_schema_version() -> None:
    assert f"`{SCHEMA}`" in DOC.read_text(encoding="utf-8")
    assert _report()["schema"] == SCHEMA
