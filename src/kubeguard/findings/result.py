"""The outcome of one scan, as every report reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubeguard.findings.exceptions import ExceptionRule
from kubeguard.model import Finding, IngestionCounts, RuleInfo, Severity, SourceLocation, Status


@dataclass(frozen=True, slots=True)
class Note:
    """Something the user may want to know that is not a finding (verbose output)."""

    location: SourceLocation
    message: str


@dataclass(frozen=True, slots=True)
class Tally:
    """What a scan's findings add up to."""

    counts: dict[str, int]
    """Findings by status, with ``suppressed`` counted apart."""
    failed_by_severity: dict[Severity, int]
    """Unsuppressed FAIL findings by severity."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan found."""

    findings: list[Finding]
    """Every finding: passes, failures, errors and suppressed ones."""
    rules: Mapping[str, RuleInfo]
    """Metadata of every control that ran, by id."""
    objects: int
    """How many objects were read."""
    notes: list[Note] = field(default_factory=list)
    """Documents skipped as not Kubernetes, and similar."""
    expired_exceptions: list[ExceptionRule] = field(default_factory=list)
    """Config exceptions past their date, which no longer apply."""
    settings: Mapping[str, str] = field(default_factory=dict)
    """What was evaluated (PSS level and version, framework …), for the report header."""
    ingestion: IngestionCounts | None = None
    """For detection over audit events: what reading them gave; ``None`` for manifest scans."""

    @property
    def errors(self) -> list[Finding]:
        """Inputs or checks that failed: the scan is incomplete when there are any."""
        return [f for f in self.findings if f.status == Status.ERROR]

    @property
    def incomplete(self) -> bool:
        """Whether some input or check failed."""
        return any(f.status == Status.ERROR for f in self.findings)

    def failures(self, threshold: Severity = Severity.INFO) -> list[Finding]:
        """Unsuppressed FAIL findings at or above ``threshold``, most severe first."""
        return sorted(
            (
                f
                for f in self.findings
                if f.status == Status.FAIL
                and f.suppressed_by is None
                and f.severity.rank >= threshold.rank
            ),
            key=lambda f: -f.severity.rank,
        )

    def fails_at(self, threshold: Severity) -> bool:
        """Whether any unsuppressed FAIL finding is at or above ``threshold``."""
        return any(
            f.status == Status.FAIL
            and f.suppressed_by is None
            and f.severity.rank >= threshold.rank
            for f in self.findings
        )

    def suppressed(self) -> list[Finding]:
        """FAIL findings covered by an exception."""
        return [f for f in self.findings if f.suppressed_by is not None]

    def counts(self) -> dict[str, int]:
        """Findings by status, suppressed ones counted apart from failures."""
        return self.tally().counts

    def tally(self) -> Tally:
        """:meth:`counts` and unsuppressed failures by severity, in one pass over the findings."""
        counts = {status.value: 0 for status in Status}
        counts["suppressed"] = 0
        by_severity: dict[Severity, int] = {}
        for finding in self.findings:
            if finding.suppressed_by is not None:
                counts["suppressed"] += 1
                continue
            # A Status is its value's string: no need for the slower ``.value`` lookup.
            counts[finding.status] += 1
            if finding.status == Status.FAIL:
                by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        return Tally(counts, by_severity)
