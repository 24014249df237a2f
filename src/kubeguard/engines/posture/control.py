"""A posture control: one check function plus its metadata.

``@control(...)`` turns a check function into a :class:`Control` value; it registers nothing.
:func:`kubeguard.engines.posture.engine.load_controls` finds every ``Control`` in the
``controls`` package. The folder a control lives in is its layer; the module docstring is its
documentation (first line: summary, the rest: rationale).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kubeguard.engines.posture.pss import PSS_CHECKS
from kubeguard.engines.posture.settings import PostureSettings
from kubeguard.engines.posture.views import ObjectView, WorkloadView
from kubeguard.model import ControlId, FieldPath, Inventory, Layer, RuleInfo, Severity

#: Framework keys a control may map to, and what they mean.
FRAMEWORKS: dict[str, str] = {
    "pss": "Pod Security Standards check ID (kubernetes/pod-security-admission)",
    "cis-eks": "CIS Amazon EKS Benchmark v1.8.0 item",
    "cis-k8s": "CIS Kubernetes Benchmark item",
    "nsa": "NSA/CISA Kubernetes Hardening Guide section",
    "mitre": "MITRE ATT&CK technique",
}

#: Peer tools whose equivalent check ids a control records, so exceptions can be mapped.
PEERS: dict[str, str] = {
    "kubescape": "Kubescape control (regolibrary)",
    "checkov": "Checkov check",
    "trivy": "Trivy check (trivy-checks)",
    "polaris": "Polaris check",
    "kube-score": "kube-score test",
    "hardeneks": "HardenEKS rule",
}

_CONTROLS_PACKAGE = "kubeguard.engines.posture.controls."


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check reports: the offending field and a sentence about it."""

    path: FieldPath
    """Path from the object root to the offending (or missing) field."""
    message: str
    value: Any = None
    """The observed value, when there is one."""


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may consult besides its subject."""

    inventory: Inventory
    settings: PostureSettings


Subject = TypeVar("Subject", WorkloadView, ObjectView)
CheckFunction = Callable[[Subject, CheckContext], Iterator[Violation]]
#: Typed loosely: a precise Subject here would bind the decorator's type before the check's.
AppliesFunction = Callable[[Any, CheckContext], bool]


@dataclass(frozen=True, slots=True)
class Control(Generic[Subject]):
    """A registered posture control."""

    id: ControlId
    title: str
    layer: Layer
    severity: Severity
    remediation: str
    summary: str
    """First line of the module docstring."""
    rationale: str
    """The rest of the module docstring."""
    refs: Mapping[str, tuple[str, ...]]
    """Framework and peer-tool ids, keyed by the names in FRAMEWORKS and PEERS."""
    check: CheckFunction[Subject]
    subject: type[Subject]
    """WorkloadView (every pod spec) or ObjectView (objects of ``kinds``)."""
    kinds: frozenset[str] = field(default_factory=frozenset)
    applies: AppliesFunction | None = None
    """Whether the check is about ``subject`` at all; where not, the object gets no finding."""
    module: str = ""

    @property
    def info(self) -> RuleInfo:
        """The metadata reports show; a PSS reference names its level too (``baseline/privileged``)."""
        refs = dict(self.refs)
        if self.pss_check is not None:
            refs["pss"] = (f"{PSS_CHECKS[self.pss_check].level}/{self.pss_check}",)
        return RuleInfo(
            id=self.id,
            title=self.title,
            layer=self.layer,
            severity=self.severity,
            summary=self.summary,
            rationale=self.rationale,
            remediation=self.remediation,
            refs=refs,
        )

    @property
    def pss_check(self) -> str | None:
        """The PSS check this control implements, if any."""
        ids = self.refs.get("pss")
        return ids[0] if ids else None


def control(
    *,
    id: str,
    title: str,
    severity: Severity,
    remediation: str,
    refs: Mapping[str, str | tuple[str, ...]] | None = None,
    kinds: frozenset[str] | set[str] | None = None,
    applies: AppliesFunction | None = None,
) -> Callable[[CheckFunction[Subject]], Control[Subject]]:
    """Declare a control. The check's first parameter type selects its subjects."""

    def wrap(check: CheckFunction[Subject]) -> Control[Subject]:
        module = sys.modules[check.__module__]
        layer = _layer_of(check.__module__)
        summary, _, rationale = (inspect.getdoc(module) or "").partition("\n")
        subject = _subject_of(check)
        if subject is ObjectView and not kinds:
            raise TypeError(f"{id}: an ObjectView control must name its kinds")
        return Control(
            id=ControlId(id),
            title=title,
            layer=layer,
            severity=severity,
            remediation=remediation,
            summary=summary.strip(),
            rationale=rationale.strip(),
            refs={
                key: (value,) if isinstance(value, str) else value
                for key, value in (refs or {}).items()
            },
            check=check,
            subject=subject,
            kinds=frozenset(kinds or ()),
            applies=applies,
            module=check.__module__,
        )

    return wrap


def _layer_of(module: str) -> Layer:
    if not module.startswith(_CONTROLS_PACKAGE):
        raise TypeError(f"controls live under {_CONTROLS_PACKAGE}<layer>, not in {module}")
    return Layer(module[len(_CONTROLS_PACKAGE) :].split(".")[0])


def _subject_of(check: Callable[..., Any]) -> Any:
    parameters = list(inspect.signature(check, eval_str=True).parameters.values())
    subject = parameters[0].annotation if parameters else None
    if subject not in (WorkloadView, ObjectView):
        raise TypeError(f"{check.__module__}: first parameter must be WorkloadView or ObjectView")
    return subject
