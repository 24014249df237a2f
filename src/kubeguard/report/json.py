"""JSON report: a documented, stable schema (``kubeguard.scan/v1``, see docs/json-schema.md).

Fields are only ever added within a schema version; a rename or removal bumps it.
"""

from __future__ import annotations

from typing import Any

import orjson

from kubeguard import __version__
from kubeguard.findings import ExceptionRule, ScanResult
from kubeguard.model import DetectionDetail, Finding, IngestionCounts, RuleInfo, Status
from kubeguard.report.options import ReportOptions

SCHEMA = "kubeguard.scan/v1"


def render(result: ScanResult, options: ReportOptions) -> str:
    """The whole scan as one JSON document."""
    listed = [
        finding
        for finding in result.findings
        if finding.status in (Status.FAIL, Status.ERROR) or options.show_passed
        if finding.suppressed_by is None or options.show_suppressed
    ]
    document = {
        "schema": SCHEMA,
        "tool": {"name": "kubeguard", "version": __version__},
        "settings": dict(result.settings),
        "summary": {
            "objects": result.objects,
            "controls": len(result.rules),
            "incomplete": result.incomplete,
            "counts": result.counts(),
            "failed_by_severity": _by_severity(result),
        },
        "ingestion": ingestion_document(result.ingestion),
        "findings": [finding_document(f, result.rules.get(f.control_id)) for f in listed],
        "expired_exceptions": [_exception(rule) for rule in result.expired_exceptions],
        "notes": (
            [{"location": str(note.location), "message": note.message} for note in result.notes]
            if options.verbose
            else []
        ),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _exception(rule: ExceptionRule) -> dict[str, Any]:
    return {
        "controls": list(rule.controls),
        "reason": rule.reason,
        "expires": rule.expires.isoformat() if rule.expires else None,
        "namespaces": list(rule.namespaces),
        "names": list(rule.names),
        "kinds": list(rule.kinds),
    }


def _by_severity(result: ScanResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in result.failures():
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    return counts


def finding_document(finding: Finding, rule: RuleInfo | None) -> dict[str, Any]:
    """One finding as the JSON report (and the JSON-lines stream) writes it."""
    resource = finding.resource
    location = finding.location
    return {
        "control_id": finding.control_id,
        "title": rule.title if rule else None,
        "layer": finding.layer.value if finding.layer else None,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "message": finding.message,
        "resource": (
            {
                "api_version": resource.api_version,
                "kind": resource.kind,
                "namespace": resource.namespace,
                "name": resource.name,
            }
            if resource
            else None
        ),
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
        "evidence": [{"path": item.dotted, "value": item.value} for item in finding.evidence],
        "remediation": rule.remediation if rule else None,
        "references": {key: list(ids) for key, ids in rule.refs.items()} if rule else {},
        "fingerprint": finding.fingerprint,
        "suppressed_by": finding.suppressed_by,
        "detection": detection_document(finding.detection),
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
