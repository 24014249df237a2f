"""Pure data shared by every stage; imports nothing else of kubeguard."""

from kubeguard.model.errors import ConfigError, ControlError, KubeguardError, RuleError, SourceError
from kubeguard.model.event import (
    Action,
    Actor,
    AuditEvent,
    DetectionDetail,
    IngestionCounts,
    ObjectRef,
    UserInfo,
    parse_timestamp,
)
from kubeguard.model.finding import (
    ControlId,
    Evidence,
    Finding,
    Layer,
    Severity,
    Status,
    dotted_path,
    fingerprint,
)
from kubeguard.model.inventory import Inventory
from kubeguard.model.resource import (
    FieldPath,
    K8sObject,
    LineIndex,
    LineList,
    LineMap,
    ObjectKey,
    SourceLocation,
    get_path,
    line_of,
)
from kubeguard.model.rule import RuleInfo

__all__ = [
    "Action",
    "Actor",
    "AuditEvent",
    "ConfigError",
    "ControlError",
    "ControlId",
    "DetectionDetail",
    "Evidence",
    "FieldPath",
    "Finding",
    "IngestionCounts",
    "Inventory",
    "K8sObject",
    "KubeguardError",
    "Layer",
    "LineIndex",
    "LineList",
    "LineMap",
    "ObjectKey",
    "ObjectRef",
    "RuleError",
    "RuleInfo",
    "Severity",
    "SourceError",
    "SourceLocation",
    "Status",
    "UserInfo",
    "dotted_path",
    "fingerprint",
    "get_path",
    "line_of",
    "parse_timestamp",
]
