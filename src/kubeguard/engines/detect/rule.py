"""A detection rule as the engine runs it, whatever file format it was written in."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from kubeguard.engines.detect.attack import techniques_of
from kubeguard.engines.detect.fields import MISSING, FieldRef, PathError, parse_field, read_field
from kubeguard.engines.detect.predicates import Node
from kubeguard.model import ControlId, Layer, RuleInfo, Severity, SourceLocation

#: Longest text a template placeholder or an evidence value shows.
MAX_SHOWN = 256
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def shown(value: Any) -> str:
    """A field value as messages show it: lists joined, missing as ``<none>``, long text cut."""
    if value is MISSING:
        return "<none>"
    if isinstance(value, list):
        text = ",".join(shown(item) for item in value[:20])
        return text + ("…" if len(value) > 20 else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


@dataclass(frozen=True, slots=True)
class Template:
    """An output message with ``{field}`` placeholders (``{{`` and ``}}`` for braces).

    ``{a|b}`` shows ``a``, or ``b`` when ``a`` is absent: ``{objectRef.name|requestObject.metadata.name}``
    names the object of a create request too, whose ``objectRef`` often has no name.
    """

    text: str
    parts: tuple[str | tuple[FieldRef, ...], ...]

    @staticmethod
    def parse(text: str) -> Template:
        """The template for ``text``; :class:`PathError` names a malformed placeholder."""
        if re.search(r"[{}]", _PLACEHOLDER.sub("", text)):
            raise PathError("unbalanced '{' or '}' (write '{{' and '}}' for braces)")
        parts: list[str | tuple[FieldRef, ...]] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            parts.append(text[position : match.start()])
            token = match.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
            else:
                parts.append(tuple(parse_field(name) for name in match.group(1).split("|")))
            position = match.end()
        parts.append(text[position:])
        return Template(text, tuple(part for part in parts if part != ""))

    def render(self, data: dict[str, Any]) -> str:
        """The message for one event."""
        return "".join(
            part if isinstance(part, str) else shown(_first_present(data, part))
            for part in self.parts
        )


def _first_present(data: dict[str, Any], fields: tuple[FieldRef, ...]) -> Any:
    for field_ref in fields:
        value = read_field(data, field_ref)
        if value is not MISSING and value != []:
            return value
    return MISSING


@dataclass(frozen=True, slots=True)
class Aggregation:
    """Which repeats of a rule update one finding instead of opening another."""

    window: datetime.timedelta
    """Repeats within this time of the first event join its finding; zero: never."""
    by: tuple[FieldRef, ...]
    """Fields whose values must be equal for events to be counted together."""


#: Sigma ``level`` to severity.
LEVELS: dict[str, Severity] = {
    "informational": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}

#: Fields events are grouped by when a rule says nothing: who did it to what.
DEFAULT_AGGREGATE_BY = (
    "user.username",
    "objectRef.namespace",
    "objectRef.resource",
    "objectRef.subresource",
    "objectRef.name",
)
DEFAULT_WINDOW = datetime.timedelta(minutes=10)


def default_aggregation() -> Aggregation:
    """Ten minutes per user and target object."""
    try:
        fields = tuple(parse_field(text) for text in DEFAULT_AGGREGATE_BY)
    except PathError as error:  # pragma: no cover - constant input
        raise AssertionError(error) from error
    return Aggregation(DEFAULT_WINDOW, fields)


@dataclass(frozen=True, slots=True)
class DetectionRule:
    """One rule: metadata, its condition in predicate form, and what a finding says."""

    id: str
    """A UUID, as Sigma rules carry."""
    title: str
    condition: Node
    level: str
    """Sigma level: informational, low, medium, high or critical."""
    severity: Severity
    finding_type: str
    """GuardDuty-style ``Tactic:Kubernetes/Name``."""
    source: SourceLocation
    """Where the rule is written."""
    description: str = ""
    status: str = "experimental"
    layer: Layer = Layer.DETECTIVE
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    falsepositives: tuple[str, ...] = ()
    remediation: str = ""
    output: Template | None = None
    aggregation: Aggregation = field(default_factory=default_aggregation)
    builtin: bool = False
    """Shipped with kubeguard (rather than loaded from a user's folder)."""
    extra_refs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """More references to show (``falco``, ``sigma`` rule names)."""

    @property
    def control_id(self) -> ControlId:
        """The id findings carry."""
        return ControlId(self.id)

    @property
    def info(self) -> RuleInfo:
        """The rule as reports and catalogues show it."""
        refs: dict[str, tuple[str, ...]] = {}
        techniques = techniques_of(self.tags)
        if techniques:
            refs["mitre"] = techniques
        refs["guardduty-type"] = (self.finding_type,)
        refs.update(self.extra_refs)
        summary, _, rationale = self.description.strip().partition("\n")
        return RuleInfo(
            id=self.control_id,
            title=self.title,
            layer=self.layer,
            severity=self.severity,
            summary=summary.strip() or self.title,
            rationale=" ".join(rationale.split()),
            remediation=self.remediation,
            refs=refs,
        )
