"""A Dockerfile rule: one check function plus its metadata.

``@rule(...)`` turns a check function into a :class:`Rule` value and registers nothing;
:func:`kubeguard.engines.dockerfile.engine.load_rules` finds every ``Rule`` in the ``rules``
package. Every rule belongs to the image layer; its module docstring is its documentation (first
line: summary, the rest: rationale). ``refs`` records the hadolint and Trivy ids of the same
check, so suppressions users wrote for those tools keep working.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import ControlId, Layer, RuleInfo, Severity
from kubeguard.model.dockerfile import Instruction

#: Benchmarks a rule may map to, and what they mean.
FRAMEWORKS: dict[str, str] = {
    "cis-docker": "CIS Docker Benchmark v1.6.0 item (section 4, container images and build files)",
}

#: Peer tools whose equivalent check ids a rule records, so their suppressions can be mapped.
PEERS: dict[str, str] = {
    "hadolint": "hadolint rule (DLnnnn)",
    "trivy": "Trivy Dockerfile check (DSnnn, also known as AVD-DS-nnnn and DS-nnnn)",
}

_RULES_PACKAGE = "kubeguard.engines.dockerfile.rules."
_TRIVY_ID = re.compile(r"(?:AVD-)?DS-?0*(\d+)$")


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check reports: the offending instruction and a sentence about it."""

    instruction: Instruction
    message: str
    value: str | None = None
    """The offending word, when there is one (never a secret's value)."""


CheckFunction = Callable[[DockerfileView], Iterator[Violation]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered Dockerfile rule."""

    id: ControlId
    title: str
    severity: Severity
    remediation: str
    summary: str
    """First line of the module docstring."""
    rationale: str
    """The rest of the module docstring."""
    refs: Mapping[str, tuple[str, ...]]
    """Framework and peer-tool ids, keyed by the names in FRAMEWORKS and PEERS."""
    check: CheckFunction
    module: str = ""

    @property
    def info(self) -> RuleInfo:
        """The metadata reports show."""
        return RuleInfo(
            id=self.id,
            title=self.title,
            layer=Layer.IMAGE,
            severity=self.severity,
            summary=self.summary,
            rationale=self.rationale,
            remediation=self.remediation,
            refs=self.refs,
        )

    @property
    def suppression_ids(self) -> Mapping[str, tuple[str, ...]]:
        """``refs`` with every spelling of the Trivy ids (``DS002``, ``AVD-DS-0002``,
        ``DS-0002``), which is how ignore comments and exceptions may name them."""
        ids = dict(self.refs)
        if "trivy" in ids:
            ids["trivy"] = tuple(alias for ref in ids["trivy"] for alias in trivy_aliases(ref))
        return ids


def trivy_aliases(check_id: str) -> tuple[str, ...]:
    """The spellings Trivy has used for one check id, the given one first."""
    match = _TRIVY_ID.match(check_id)
    if match is None:
        return (check_id,)
    number = int(match.group(1))
    spellings = (f"DS{number:03d}", f"AVD-DS-{number:04d}", f"DS-{number:04d}")
    return (check_id, *(spelling for spelling in spellings if spelling != check_id))


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    remediation: str,
    refs: Mapping[str, str | tuple[str, ...]] | None = None,
) -> Callable[[CheckFunction], Rule]:
    """Declare a rule; the check receives a :class:`DockerfileView` of one file."""

    def wrap(check: CheckFunction) -> Rule:
        if not check.__module__.startswith(_RULES_PACKAGE):
            raise TypeError(f"rules live under {_RULES_PACKAGE}, not in {check.__module__}")
        module = sys.modules[check.__module__]
        summary, _, rationale = (inspect.getdoc(module) or "").partition("\n")
        return Rule(
            id=ControlId(id),
            title=title,
            severity=severity,
            remediation=remediation,
            summary=summary.strip(),
            rationale=rationale.strip(),
            refs={
                key: (value,) if isinstance(value, str) else value
                for key, value in (refs or {}).items()
            },
            check=check,
            module=check.__module__,
        )

    return wrap
