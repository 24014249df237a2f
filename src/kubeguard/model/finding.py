"""The one finding model every engine produces and every report reads."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum
from typing import Any, NewType

from kubeguard.model.event import DetectionDetail
from kubeguard.model.records import frozen_record
from kubeguard.model.resource import FieldPath, ObjectKey, SourceLocation

ControlId = NewType("ControlId", str)


class Severity(StrEnum):
    """How bad a failing control is, lowest first."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order info < low < medium < high < critical."""
        return _SEVERITY_RANKS[self]


_SEVERITY_RANKS = {severity: rank for rank, severity in enumerate(Severity)}


class Layer(StrEnum):
    """The ten security layers of the EKS best practices; every control belongs to one."""

    IAM = "iam"
    DATA = "data"
    INFRASTRUCTURE = "infrastructure"
    POD = "pod"
    TENANCY = "tenancy"
    IMAGE = "image"
    NETWORK = "network"
    RUNTIME = "runtime"
    DETECTIVE = "detective"
    RESPONSE = "response"


class Status(StrEnum):
    """Outcome of one control on one resource."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"


@frozen_record
class Evidence:
    """The field that shows the problem, and what it holds."""

    path: FieldPath
    """Path from the object root to the field, e.g. ``spec.containers[0].image``."""
    value: Any = None
    """The observed value, ``None`` when the field is missing."""

    @property
    def dotted(self) -> str:
        """The path in the ``a.b[0].c`` notation users know from kubectl."""
        return dotted_path(self.path)


def dotted_path(path: FieldPath) -> str:
    """Render a field path as ``a.b[0].c``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@frozen_record
class Finding:
    """One control's verdict on one resource (or one input problem)."""

    control_id: ControlId
    """The control (or ``KG-INPUT-*`` for input problems) that produced the finding."""
    layer: Layer | None
    """The security layer; ``None`` for a problem with an input rather than with the cluster."""
    severity: Severity
    status: Status
    resource: ObjectKey | None
    """The resource judged; ``None`` for an input that yielded no object."""
    message: str
    location: SourceLocation | None
    """Where to look: file and line of the offending field."""
    evidence: tuple[Evidence, ...] = ()
    fingerprint: str = ""
    """Stable identity of the problem: same control, resource and field give the same value.
    Empty for a PASS, which is identified by its control and resource."""
    suppressed_by: str | None = None
    """Why this finding is suppressed (an annotation or an exception entry), if it is."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Engine-specific details that reports may show (e.g. the PSS level evaluated)."""
    detection: DetectionDetail | None = None
    """Actor, action, first and last seen and count, for findings of the detection engine."""


def fingerprint(control_id: str, resource: ObjectKey | None, path_key: str) -> str:
    """A digest that does not depend on file order or line numbers."""
    identity = "\x1f".join(
        (
            control_id,
            resource.kind if resource else "",
            resource.namespace or "" if resource else "",
            resource.name if resource else "",
            path_key,
        )
    )
    return hashlib.sha256(identity.encode()).hexdigest()[:32]
