"""A small hand-built scan result exercising every part of a report, for the format tests.

Control ids are made up (``KG-*-900``) so the tests do not depend on the real catalogue.
"""

from __future__ import annotations

import datetime
from typing import Any

from kubeguard.findings import (
    IGNORE_ANNOTATION,
    IGNORE_REASON_ANNOTATION,
    ExceptionRule,
    Note,
    ScanResult,
    apply_exceptions,
)
from kubeguard.model import (
    ControlId,
    Evidence,
    Finding,
    Inventory,
    K8sObject,
    Layer,
    ObjectKey,
    RuleInfo,
    Severity,
    SourceLocation,
    Status,
    fingerprint,
)

PRIVILEGED = ControlId("KG-POD-900")
CAPABILITIES = ControlId("KG-POD-901")
DIGEST = ControlId("KG-IMG-900")
UNREADABLE = ControlId("KG-INPUT-001")


def _rule(
    control_id: ControlId, layer: Layer, severity: Severity, title: str, **more: Any
) -> RuleInfo:
    return RuleInfo(id=control_id, title=title, layer=layer, severity=severity, **more)


RULES: dict[str, RuleInfo] = {
    rule.id: rule
    for rule in (
        _rule(
            PRIVILEGED,
            Layer.POD,
            Severity.CRITICAL,
            "Containers are not privileged",
            summary="Containers must not run privileged.",
            rationale="A privileged container is root on the node.",
            remediation="Set securityContext.privileged to false.",
            refs={"pss": ("privileged",), "cis-eks": ("4.2.1",), "checkov": ("CKV_K8S_16",)},
        ),
        _rule(
            CAPABILITIES,
            Layer.POD,
            Severity.MEDIUM,
            "Containers drop ALL capabilities",
            remediation="Set securityContext.capabilities.drop: [ALL].",
            refs={"pss": ("capabilities_restricted",)},
        ),
        _rule(
            DIGEST,
            Layer.IMAGE,
            Severity.LOW,
            "Images are pinned by digest",
            remediation="Reference images by digest.",
        ),
    )
}

API = ObjectKey("v1", "Pod", "web", "api")
FRONT = ObjectKey("apps/v1", "Deployment", "web", "front")
AGENT = ObjectKey("apps/v1", "DaemonSet", "kube-system", "agent")

#: The config exception that suppresses DIGEST on the agent, and one past its date.
LIVE_EXCEPTION = ExceptionRule(controls=("KG-IMG-*",), reason="vendor image", kinds=("DaemonSet",))
EXPIRED_EXCEPTION = ExceptionRule(
    controls=("KG-POD-*",), reason="migration window", expires=datetime.date(2020, 1, 31)
)
INLINE_REASON = "node agent needs the host"


def make_finding(
    control_id: str,
    status: Status,
    resource: ObjectKey | None,
    location: SourceLocation | None,
    message: str = "",
    **extra: Any,
) -> Finding:
    """A finding as the engine would build it (layer and severity from the sample rules)."""
    rule = RULES.get(ControlId(control_id))
    fields: dict[str, Any] = {
        "layer": rule.layer if rule else None,
        "severity": rule.severity if rule else Severity.HIGH,
        "fingerprint": fingerprint(control_id, resource, str(location)),
    }
    fields.update(extra)
    return Finding(
        control_id=ControlId(control_id),
        status=status,
        resource=resource,
        location=location,
        message=message or (rule.title if rule else control_id),
        **fields,
    )


def _agent_object() -> K8sObject:
    manifest = {
        "apiVersion": AGENT.api_version,
        "kind": AGENT.kind,
        "metadata": {
            "name": AGENT.name,
            "namespace": AGENT.namespace,
            "annotations": {IGNORE_ANNOTATION: PRIVILEGED, IGNORE_REASON_ANNOTATION: INLINE_REASON},
        },
    }
    return K8sObject(manifest, SourceLocation("agent.yaml", 1))


def sample_findings() -> list[Finding]:
    """Every kind of finding a report shows, before exceptions apply."""
    return [
        make_finding(UNREADABLE, Status.ERROR, None, SourceLocation("broken.yaml", 3, 5), "bad"),
        make_finding(
            PRIVILEGED,
            Status.FAIL,
            API,
            SourceLocation("app.yaml", 12),
            "privileged (container 'main')",
            evidence=(Evidence(("spec", "containers", 0, "securityContext", "privileged"), True),),
        ),
        make_finding(
            PRIVILEGED,
            Status.FAIL,
            FRONT,
            SourceLocation("app.yaml", 40),
            "privileged (initContainer 'setup')",
        ),
        make_finding(
            CAPABILITIES, Status.FAIL, FRONT, SourceLocation("app.yaml", 38), "keeps NET_RAW"
        ),
        make_finding(DIGEST, Status.FAIL, API, SourceLocation("app.yaml", 9), "not pinned"),
        make_finding(DIGEST, Status.PASS, FRONT, SourceLocation("app.yaml", 30)),
        make_finding(
            PRIVILEGED, Status.FAIL, AGENT, SourceLocation("agent.yaml", 20), "privileged agent"
        ),
        make_finding(DIGEST, Status.FAIL, AGENT, SourceLocation("agent.yaml", 18), "agent image"),
    ]


def sample_result(findings: list[Finding] | None = None) -> ScanResult:
    """The sample scan: 3 objects, one unreadable input, one inline and one config exception."""
    rules = [LIVE_EXCEPTION, EXPIRED_EXCEPTION]
    inventory = Inventory([_agent_object()])
    today = datetime.date(2026, 1, 1)
    return ScanResult(
        findings=apply_exceptions(
            sample_findings() if findings is None else findings, inventory, rules, today
        ),
        rules=RULES,
        objects=3,
        notes=[Note(SourceLocation("values.yaml", 1), "no apiVersion and kind")],
        expired_exceptions=[EXPIRED_EXCEPTION],
        settings={"pss_level": "restricted", "pss_version": "latest"},
    )
