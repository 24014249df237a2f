"""Exceptions: findings a user has accepted, inline on the object or in the config file.

A suppressed finding is kept and marked, never dropped: reports count it and list it on request.
An exception past its expiry date stops applying and is reported.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from kubeguard.findings.inline_ignores import InlineIgnore, inline_ignores
from kubeguard.model import Finding, Inventory, ObjectKey, Status
from kubeguard.model.resource import CLUSTER_SCOPED_KINDS

#: Framework and peer ids of each control, by control id (from the rules that ran).
References = Mapping[str, Mapping[str, tuple[str, ...]]]

#: How ``Finding.suppressed_by`` starts when an annotation, not the config file, suppressed it.
_INLINE_PREFIX = "annotation "


@dataclass(frozen=True, slots=True)
class ExceptionRule:
    """One entry of the config file's ``exceptions`` list; glob patterns throughout."""

    controls: tuple[str, ...]
    reason: str
    namespaces: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    expires: datetime.date | None = None

    def is_expired(self, today: datetime.date) -> bool:
        """Whether the expiry date has passed (the exception holds through that day)."""
        return self.expires is not None and today > self.expires

    def matches(self, finding: Finding, refs: Mapping[str, tuple[str, ...]] | None = None) -> bool:
        """Whether this exception covers ``finding``; ``controls`` may name peer ids too."""
        names = [finding.control_id, *(i for ids in (refs or {}).values() for i in ids)]
        if not any(_any_glob(self.controls, name) for name in names):
            return False
        resource = finding.resource
        if resource is None:
            return not (self.namespaces or self.names or self.kinds)
        return (
            _glob_or_any(self.namespaces, _namespace_of(resource))
            and _glob_or_any(self.names, resource.name)
            and _glob_or_any(self.kinds, resource.kind)
        )

    def describe(self) -> str:
        """How a suppressed finding names this exception."""
        until = f" until {self.expires.isoformat()}" if self.expires else ""
        return f"config exception: {self.reason}{until}"


def _namespace_of(resource: ObjectKey) -> str:
    """The namespace the object lands in; empty for cluster-scoped kinds, which have none."""
    if resource.kind in CLUSTER_SCOPED_KINDS:
        return ""
    return resource.namespace or "default"


def _any_glob(patterns: Sequence[str], value: str) -> bool:
    return any(fnmatchcase(value, pattern) for pattern in patterns)


def _glob_or_any(patterns: Sequence[str], value: str) -> bool:
    return not patterns or _any_glob(patterns, value)


def expired_rules(rules: Iterable[ExceptionRule], today: datetime.date) -> list[ExceptionRule]:
    """The exceptions that no longer apply because their date has passed."""
    return [rule for rule in rules if rule.is_expired(today)]


def apply_exceptions(
    findings: Iterable[Finding],
    inventory: Inventory,
    rules: Sequence[ExceptionRule],
    today: datetime.date | None = None,
    references: References | None = None,
) -> list[Finding]:
    """Mark FAIL findings covered by an annotation or a live exception as suppressed.

    ``references`` gives each control's peer ids, so that annotations and exceptions written
    for Checkov, Polaris or kube-score apply to the equivalent kubeguard controls.
    """
    today = today or datetime.date.today()
    references = references or {}
    live = [rule for rule in rules if not rule.is_expired(today)]
    annotated = {
        obj.key: ignores for obj in inventory if (ignores := list(inline_ignores(obj.annotations)))
    }
    if not live and not annotated:
        # Nothing can suppress anything: the common case, and a scan has tens of thousands of
        # findings to walk otherwise.
        return list(findings)
    result = []
    for finding in findings:
        if finding.status == Status.FAIL:
            refs = references.get(finding.control_id, {})
            reason = _inline_reason(annotated, finding, refs) or next(
                (rule.describe() for rule in live if rule.matches(finding, refs)), None
            )
            if reason is not None:
                finding = dataclasses.replace(finding, suppressed_by=reason)
        result.append(finding)
    return result


def _inline_reason(
    annotated: Mapping[ObjectKey, list[InlineIgnore]],
    finding: Finding,
    refs: Mapping[str, tuple[str, ...]],
) -> str | None:
    if finding.resource is None:
        return None
    for ignore in annotated.get(finding.resource, ()):
        if ignore.covers(finding.control_id, refs):
            return ignore.describe()
    return None


def suppressed_inline(finding: Finding) -> bool:
    """Whether an annotation on the object itself (not the config file) suppressed ``finding``."""
    return finding.suppressed_by is not None and finding.suppressed_by.startswith(_INLINE_PREFIX)
