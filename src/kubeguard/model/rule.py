"""What every report needs to know about a control or rule, whatever engine owns it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubeguard.model.finding import ControlId, Layer, Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Metadata of one control or rule, as reports and catalogs show it."""

    id: ControlId
    title: str
    layer: Layer | None
    severity: Severity
    summary: str = ""
    rationale: str = ""
    remediation: str = ""
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Framework and peer-tool ids, e.g. ``{"pss": ("privileged",), "checkov": ("CKV_K8S_16",)}``."""
