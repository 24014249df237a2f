"""Run Dockerfile rules over parsed files and turn their verdicts into findings.

Like the posture engine: no violations make one PASS finding per rule and file, each violation
makes one FAIL finding at its instruction's line, and a rule that raises makes one ERROR finding
(re-raised when ``debug`` is set) while the other rules go on.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kubeguard.engines.dockerfile import rules as rules_package
from kubeguard.engines.dockerfile.rule import Rule, Violation
from kubeguard.engines.dockerfile.view import DockerfileView, LintSettings
from kubeguard.model import (
    Evidence,
    Finding,
    Layer,
    ObjectKey,
    SourceLocation,
    Status,
    fingerprint,
)
from kubeguard.model.dockerfile import DockerfileDoc


def load_rules() -> list[Rule]:
    """Every rule under the ``rules`` package, sorted by id."""
    found: dict[str, Rule] = {}
    prefix = rules_package.__name__ + "."
    for module_info in pkgutil.walk_packages(rules_package.__path__, prefix):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Rule) and value.module == module.__name__:
                if value.id in found:
                    raise ValueError(f"rule id {value.id} declared twice")
                found[value.id] = value
    return sorted(found.values(), key=lambda r: r.id)


def evaluate(
    doc: DockerfileDoc,
    rules: Iterable[Rule],
    settings: LintSettings | None = None,
    *,
    debug: bool = False,
) -> Iterator[Finding]:
    """Findings of ``rules`` on one Dockerfile."""
    view = DockerfileView(doc, settings)
    subject = _Subject(doc.key, doc.location())
    for candidate in rules:
        try:
            violations = list(candidate.check(view))
        except Exception as error:
            if debug:
                raise
            yield subject.finding(
                candidate,
                Status.ERROR,
                f"rule {candidate.id} failed on this file: {type(error).__name__}: {error}",
            )
            continue
        if not violations:
            yield subject.finding(candidate, Status.PASS, candidate.title)
        for violation in violations:
            yield subject.finding(candidate, Status.FAIL, violation.message, violation)


@dataclass(frozen=True, slots=True)
class _Subject:
    """The file findings are about, built once per file."""

    key: ObjectKey
    location: SourceLocation

    def finding(
        self, candidate: Rule, status: Status, message: str, violation: Violation | None = None
    ) -> Finding:
        location, identity = self.location, ""
        evidence: tuple[Evidence, ...] = ()
        if violation is not None:
            instruction = violation.instruction
            location = self.location.at_line(instruction.line)
            evidence = (Evidence((instruction.keyword,), violation.value),)
            # Keyed by what the instruction says, not by its line: edits above keep the identity.
            identity = f"{instruction.keyword} {instruction.arguments}|{message}"
        return Finding(
            control_id=candidate.id,
            layer=Layer.IMAGE,
            severity=candidate.severity,
            status=status,
            resource=self.key,
            message=message,
            location=location,
            evidence=evidence,
            fingerprint=fingerprint(candidate.id, self.key, identity),
        )
