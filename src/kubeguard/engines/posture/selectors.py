"""Kubernetes label selectors, evaluated as the API server does.

A selector is ``matchLabels`` plus ``matchExpressions`` (``In``, ``NotIn``, ``Exists``,
``DoesNotExist``), all ANDed. An *empty* selector (``{}``) selects everything; an *absent* one is
a different thing whose meaning depends on the field (a NetworkPolicy peer without
``namespaceSelector`` means "the policy's own namespace"), so callers decide about ``None``.
A malformed selector selects nothing: failing closed keeps a typo from widening access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


@dataclass(frozen=True, slots=True)
class Requirement:
    """One ``matchExpressions`` entry (``matchLabels`` entries become ``In`` with one value)."""

    key: str
    operator: str
    values: frozenset[str]

    def matches(self, labels: Mapping[str, Any]) -> bool:
        """Whether ``labels`` satisfy this requirement."""
        present = self.key in labels
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        value = labels.get(self.key)
        if self.operator == "In":
            return present and str(value) in self.values
        return not present or str(value) not in self.values  # NotIn


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A parsed selector; ``valid`` is false when the manifest's selector was malformed."""

    requirements: tuple[Requirement, ...] = ()
    valid: bool = True

    @property
    def selects_all(self) -> bool:
        """An empty, valid selector: everything matches."""
        return self.valid and not self.requirements

    def matches(self, labels: Mapping[str, Any]) -> bool:
        """Whether an object with ``labels`` is selected."""
        return self.valid and all(r.matches(labels) for r in self.requirements)

    @classmethod
    def parse(cls, raw: Any) -> LabelSelector:
        """Parse a selector object; anything malformed gives an invalid selector."""
        if not isinstance(raw, Mapping):
            return cls(valid=False)
        requirements: list[Requirement] = []
        match_labels = raw.get("matchLabels")
        if match_labels is not None:
            if not isinstance(match_labels, Mapping):
                return cls(valid=False)
            requirements.extend(
                Requirement(str(key), "In", frozenset({str(value)}))
                for key, value in match_labels.items()
            )
        expressions = raw.get("matchExpressions")
        if expressions is not None:
            if not isinstance(expressions, list):
                return cls(valid=False)
            for expression in expressions:
                requirement = _requirement(expression)
                if requirement is None:
                    return cls(valid=False)
                requirements.append(requirement)
        return cls(tuple(requirements))

    @classmethod
    def from_map(cls, raw: Any) -> LabelSelector:
        """A plain ``key: value`` map selector (Service ``spec.selector``, ReplicationController)."""
        if not isinstance(raw, Mapping):
            return cls(valid=False)
        return cls(tuple(Requirement(str(k), "In", frozenset({str(v)})) for k, v in raw.items()))


def _requirement(raw: Any) -> Requirement | None:
    if not isinstance(raw, Mapping):
        return None
    key, operator, values = raw.get("key"), raw.get("operator"), raw.get("values")
    if not isinstance(key, str) or operator not in _OPERATORS:
        return None
    if operator in ("In", "NotIn"):
        # The API server rejects In/NotIn without values; such a selector never reaches a cluster.
        if not isinstance(values, list) or not values:
            return None
        return Requirement(key, str(operator), frozenset(str(v) for v in values))
    if values:
        return None
    return Requirement(key, str(operator), frozenset())
