"""Rules checked against their own sample events: events that must fire them, near misses that must not.

A rule file ``<stem>.yml`` is tested with ``<stem>/match.jsonl`` (every event must fire the rule)
and ``<stem>/nomatch.jsonl`` (no event may fire it) in a samples folder. A rule that stays silent
until you fill a list (an allow-list of images or nodes) is tested with the list filled: the folder
then holds a ``lists.yml`` library document that changes it (``{replace: [...]}``), and the rule is
also checked to stay silent on its match events with the shipped lists. The built-in rules are
tested this way by kubeguard's own test suite, and ``kubeguard detect test`` does the same for a
user's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kubeguard.engines.detect.engine import Detector
from kubeguard.engines.detect.language import RuleSet
from kubeguard.engines.detect.predicates import AddressLists
from kubeguard.engines.detect.rule import DetectionRule
from kubeguard.model import AuditEvent, SourceLocation

MATCH_FILE = "match.jsonl"
NOMATCH_FILE = "nomatch.jsonl"
LISTS_FILE = "lists.yml"


@dataclass(frozen=True, slots=True)
class SampleFailure:
    """A sample event that did the opposite of what its file promises."""

    location: SourceLocation
    expected_match: bool

    def __str__(self) -> str:
        verdict = "does not fire the rule" if self.expected_match else "fires the rule"
        return f"{self.location}: {verdict}"


@dataclass(frozen=True, slots=True)
class RuleTestResult:
    """How one rule did on its samples."""

    rule_id: str
    title: str
    source: SourceLocation
    matched: int = 0
    """Events of the match file that fired the rule, as they must."""
    missed: int = 0
    """Events of the nomatch file that left it quiet, as they must."""
    failures: tuple[SampleFailure, ...] = ()
    problems: tuple[str, ...] = ()
    """Missing sample files, or samples that are not events."""

    @property
    def passed(self) -> bool:
        """Every sample behaved and both files were there."""
        return not self.failures and not self.problems


@dataclass(frozen=True, slots=True)
class RuleSamples:
    """The sample events of one rule, read from its folder (``None``: the file is missing)."""

    match: list[AuditEvent] | None
    nomatch: list[AuditEvent] | None
    problems: list[str] = field(default_factory=list)
    lists_file: Path | None = None
    """The folder's ``lists.yml``, which the rule is tested with, if there is one."""


def samples_folder(rule: DetectionRule, samples_root: Path) -> Path:
    """Where the samples of ``rule`` live: a folder named after its file."""
    return samples_root / Path(rule.source.path).stem


def check_rule(
    rule: DetectionRule,
    rule_set: RuleSet,
    samples: RuleSamples,
    lists: AddressLists | None = None,
    *,
    shipped: DetectionRule | None = None,
) -> RuleTestResult:
    """Run ``rule`` alone on its samples.

    ``shipped`` is the same rule compiled with the lists as shipped, when ``rule`` was compiled
    with the samples' ``lists.yml``: it must not fire on the match events.
    """
    detector = Detector(RuleSet((rule,), rule_set.lists, rule_set.macros), lists)
    failures: list[SampleFailure] = []
    problems = list(samples.problems)
    matched = missed = 0
    if shipped is not None:
        silent = Detector(RuleSet((shipped,), rule_set.lists, rule_set.macros), lists)
        problems += [
            f"{event.location}: fires with the shipped lists, so {LISTS_FILE} is not needed"
            for event in samples.match or ()
            if silent.matches(event)
        ]
    for expected, events, name in (
        (True, samples.match, MATCH_FILE),
        (False, samples.nomatch, NOMATCH_FILE),
    ):
        if events is None:
            problems.append(f"{name} is missing")
            continue
        if not events:
            problems.append(f"{name} holds no event")
        for event in events:
            fired = bool(detector.matches(event))
            if fired != expected:
                failures.append(SampleFailure(event.location, expected))
            elif expected:
                matched += 1
            else:
                missed += 1
    return RuleTestResult(
        rule.id, rule.title, rule.source, matched, missed, tuple(failures), tuple(problems)
    )


def all_passed(results: Iterable[RuleTestResult]) -> bool:
    """Whether every rule passed."""
    return all(result.passed for result in results)
