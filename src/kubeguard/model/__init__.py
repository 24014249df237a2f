"""Pure data shared by every stage; imports nothing else of kubeguard."""

from kubeguard.model.errors import ConfigError, ControlError, KubeguardError, SourceError
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
    LineList,
    LineMap,
    ObjectKey,
    SourceLocation,
    get_path,
    line_of,
)
from kubeguard.model.rule import RuleInfo

__all__ = [
    "ConfigError",
    "ControlError",
    "ControlId",
    "Evidence",
    "FieldPath",
    "Finding",
    "Inventory",
    "K8sObject",
    "KubeguardError",
    "Layer",
    "LineList",
    "LineMap",
    "ObjectKey",
    "RuleInfo",
    "Severity",
    "SourceError",
    "SourceLocation",
    "Status",
    "dotted_path",
    "fingerprint",
    "get_path",
    "line_of",
]
