"""JSON report: a documented, stable schema (``kubeguard.scan/v1``, see docs/json-schema.md).

Fields are only ever added within a schema version; a rename or removal bumps it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import orjson

from kubeguard import __version__
from kubeguard.findings import ExceptionRule, ScanResult
from kubeguard.model import (
    DetectionDetail,
    FieldPath,
    Finding,
    IngestionCounts,
    ObjectKey,
    RuleInfo,
    Severity,
    Status,
    dotted_path,
)
from kubeguard.report.options import ReportOptions

SCHEMA = "kubeguard.scan/v1"


def render(result: ScanResult, options: ReportOptions) -> str:
    """:func:`render_bytes` as text."""
    return render_bytes(result, options).decode()


def render_bytes(result: ScanResult, options: ReportOptions) -> bytes:
    """The whole scan as one JSON document."""
    listed = [
        finding
        for finding in result.findings
        if finding.status in (Status.FAIL, Status.ERROR) or options.show_passed
        if finding.suppressed_by is None or options.show_suppressed
    ]
    tally = result.tally()
    failed = tally.failed_by_severity
    document = {
        "schema": SCHEMA,
        "tool": {"name": "kubeguard", "version": __version__},
        "settings": dict(result.settings),
        "summary": {
            "objects": result.objects,
            "controls": len(result.rules),
            "incomplete": result.incomplete,
            "counts": tally.counts,
            # Most severe first.
            "failed_by_severity": {s.value: failed[s] for s in reversed(Severity) if s in failed},
        },
        "ingestion": ingestion_document(result.ingestion),
        "findings": finding_documents(listed, result.rules),
        "expired_exceptions": [_exception(rule) for rule in result.expired_exceptions],
        "notes": (
            [{"location": str(note.location), "message": note.message} for note in result.notes]
            if options.verbose
            else []
        ),
    }
    # orjson adds the final newline: appending it to the decoded text would copy all of it again.
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _exception(rule: ExceptionRule) -> dict[str, Any]:
    return {
        "controls": list(rule.controls),
        "reason": rule.reason,
        "expires": rule.expires.isoformat() if rule.expires else None,
        "namespaces": list(rule.namespaces),
        "names": list(rule.names),
        "kinds": list(rule.kinds),
    }


class _RuleParts(NamedTuple):
    """What every finding of one rule repeats: built once per rule, not once per finding."""

    title: str | None
    remediation: str | None
    references: dict[str, list[str]]


def _rule_parts(rule: RuleInfo | None) -> _RuleParts:
    if rule is None:
        return _RuleParts(None, None, {})
    return _RuleParts(
        rule.title, rule.remediation, {key: list(ids) for key, ids in rule.refs.items()}
    )


def _resource_document(resource: ObjectKey | None) -> dict[str, Any] | None:
    if resource is None:
        return None
    return {
        "api_version": resource.api_version,
        "kind": resource.kind,
        "namespace": resource.namespace,
        "name": resource.name,
    }


def finding_document(finding: Finding, rule: RuleInfo | None) -> dict[str, Any]:
    """One finding as the JSON report (and the JSON-lines stream) writes it."""
    return _finding_document(
        finding, _rule_parts(rule), _resource_document(finding.resource), dotted_path
    )


def finding_documents(
    findings: Iterable[Finding], rules: Mapping[str, RuleInfo]
) -> list[dict[str, Any]]:
    """Many findings as :func:`finding_document` writes each.

    A report holds thousands of findings of a hundred rules about far fewer resources, so the
    parts they repeat are built once and shared (serialising a shared dict twice is fine), and
    the few hundred distinct evidence paths are each spelled out once.
    """
    dotted = functools.cache(dotted_path)
    by_rule: dict[str, _RuleParts] = {}
    documents = []
    last_resource: ObjectKey | None = None
    resource_document = None
    for finding in findings:
        parts = by_rule.get(finding.control_id)
        if parts is None:
            parts = by_rule[finding.control_id] = _rule_parts(rules.get(finding.control_id))
        # Findings come grouped by object, so the previous resource is usually this one.
        if finding.resource is not last_resource:
            last_resource = finding.resource
            resource_document = _resource_document(last_resource)
        documents.append(_finding_document(finding, parts, resource_document, dotted))
    return documents


def _finding_document(
    finding: Finding,
    rule: _RuleParts,
    resource: dict[str, Any] | None,
    dotted: Callable[[FieldPath], str],
) -> dict[str, Any]:
    location = finding.location
    detection = finding.detection
    # The enums go in as they are: orjson writes a StrEnum member as its value.
    return {
        "control_id": finding.control_id,
        "title": rule.title,
        "layer": finding.layer,
        "severity": finding.severity,
        "status": finding.status,
        "message": finding.message,
        "resource": resource,
        "location": (
            {
                "path": location.path,
                "line": location.line,
                "column": location.column,
                "document": location.document,
            }
            if location
            else None
        ),
        "evidence": [{"path": dotted(item.path), "value": item.value} for item in finding.evidence],
        "remediation": rule.remediation,
        "references": rule.references,
        "fingerprint": finding.fingerprint,
        "suppressed_by": finding.suppressed_by,
        "detection": None if detection is None else detection_document(detection),
    }


def detection_document(detail: DetectionDetail | None) -> dict[str, Any] | None:
    """Actor, action and occurrences of a detection finding; ``None`` for other findings."""
    if detail is None:
        return None
    actor, action = detail.actor, detail.action
    return {
        "finding_type": detail.finding_type,
        "actor": {
            "username": actor.username,
            "uid": actor.uid,
            "groups": list(actor.groups),
            "source_ips": list(actor.source_ips),
            "user_agent": actor.user_agent,
            "impersonated_user": actor.impersonated_user,
            "impersonated_groups": list(actor.impersonated_groups),
        },
        "action": {
            "verb": action.verb,
            "request_uri": action.request_uri,
            "resource": action.resource,
            "subresource": action.subresource,
            "namespace": action.namespace,
            "name": action.name,
            "api_group": action.api_group,
            "response_code": action.response_code,
            "stage": action.stage,
            "audit_id": action.audit_id,
        },
        "first_seen": detail.first_seen.isoformat() if detail.first_seen else None,
        "last_seen": detail.last_seen.isoformat() if detail.last_seen else None,
        "count": detail.count,
        "audit_ids": list(detail.audit_ids),
        "threat_lists": list(detail.threat_lists),
        "aggregation_key": list(detail.aggregation_key),
    }


def ingestion_document(counts: IngestionCounts | None) -> dict[str, int] | None:
    """What reading audit events gave; ``None`` for manifest scans."""
    if counts is None:
        return None
    return {
        "inputs": counts.inputs,
        "events": counts.events,
        "duplicates": counts.duplicates,
        "rejected": counts.rejected,
        "truncated": counts.truncated,
    }
