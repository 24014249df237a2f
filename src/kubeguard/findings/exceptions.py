"""Exceptions: findings a user has accepted, inline on the object or in the config file.

A suppressed finding is kept and marked, never dropped: reports count it and list it on request.
An exception past its expiry date stops applying and is reported.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from kubeguard.model import Finding, Inventory, ObjectKey, Status
from kubeguard.model.resource import CLUSTER_SCOPED_KINDS

#: Annotation listing control ids to ignore on this object (comma-separated).
IGNORE_ANNOTATION = "kubeguard.io/ignore"
#: Annotation giving the reason for the ignore annotation.
IGNORE_REASON_ANNOTATION = "kubeguard.io/ignore-reason"
#: How ``Finding.suppressed_by`` starts when the annotation, not the config file, suppressed it.
_INLINE_PREFIX = f"annotation {IGNORE_ANNOTATION}"


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

    def matches(self, finding: Finding) -> bool:
        """Whether this exception covers ``finding``."""
        if not _any_glob(self.controls, finding.control_id):
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
) -> list[Finding]:
    """Mark FAIL findings covered by an annotation or a live exception as suppressed."""
    today = today or datetime.date.today()
    live = [rule for rule in rules if not rule.is_expired(today)]
    annotated = _inline_ignores(inventory)
    result = []
    for finding in findings:
        if finding.status == Status.FAIL:
            reason = _inline_reason(annotated, finding) or next(
                (rule.describe() for rule in live if rule.matches(finding)), None
            )
            if reason is not None:
                finding = dataclasses.replace(finding, suppressed_by=reason)
        result.append(finding)
    return result


def _inline_ignores(inventory: Inventory) -> dict[ObjectKey, tuple[frozenset[str], str]]:
    ignores = {}
    for obj in inventory:
        value = obj.annotations.get(IGNORE_ANNOTATION)
        if isinstance(value, str) and value.strip():
            ids = frozenset(part.strip() for part in value.split(",") if part.strip())
            reason = obj.annotations.get(IGNORE_REASON_ANNOTATION)
            ignores[obj.key] = (ids, reason if isinstance(reason, str) else "")
    return ignores


def _inline_reason(
    annotated: dict[ObjectKey, tuple[frozenset[str], str]], finding: Finding
) -> str | None:
    if finding.resource is None or finding.resource not in annotated:
        return None
    ids, reason = annotated[finding.resource]
    if finding.control_id not in ids:
        return None
    return _INLINE_PREFIX + (f": {reason}" if reason else "")


def suppressed_inline(finding: Finding) -> bool:
    """Whether an annotation on the object itself (not the config file) suppressed ``finding``."""
    return finding.suppressed_by is not None and finding.suppressed_by.startswith(_INLINE_PREFIX)
