"""Detection over audit-log files: where the audit-log source, the rules and the engine meet.

The CLI and library users call :func:`detect_files` (a whole :class:`~kubeguard.findings.ScanResult`
for the reports) or :func:`stream_findings` (findings one at a time, as their aggregation windows
close, for JSON lines and other streaming consumers). Other sources (a webhook, CloudWatch Logs)
build a :class:`DetectionRun` and feed it the events they decode, sharing the rules, the
de-duplication, the counters and the report of rejected events.

Every event the reader rejects becomes an ERROR finding that names its file and line, so the run
is marked incomplete; after :attr:`DetectOptions.max_listed_rejections` of them in one input the
rest are counted in one more finding instead of listed.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kubeguard.engines.detect import AddressList, AddressLists, Detector, RuleSet, load_rules
from kubeguard.engines.detect.anomaly import (
    DEFAULT_LEARNING_WINDOW,
    AnomalyDetector,
    AnomalySettings,
)
from kubeguard.engines.detect.attack import TACTICS, TECHNIQUES, tactics_of, techniques_of
from kubeguard.engines.detect.engine import event_time
from kubeguard.engines.detect.language import rule_files
from kubeguard.engines.detect.sigma import SigmaRules, SigmaWarning, parse_sigma
from kubeguard.engines.detect.testing import (
    LISTS_FILE,
    MATCH_FILE,
    NOMATCH_FILE,
    RuleSamples,
    RuleTestResult,
    check_rule,
    samples_folder,
)
from kubeguard.findings import ScanResult
from kubeguard.model import (
    AuditEvent,
    ControlId,
    Finding,
    IngestionCounts,
    RuleInfo,
    Severity,
    SourceError,
    SourceLocation,
    Status,
    fingerprint,
)
from kubeguard.model.baseline import Baselines, ClusterBaseline, moment
from kubeguard.report.detect_rules import RuleEntry
from kubeguard.sources.auditlog import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    DEFAULT_MAX_EVENT_BYTES,
    AuditLogReader,
    Rejection,
)
from kubeguard.sources.baselines import load_baselines, save_baselines
from kubeguard.sources.threat_lists import LoadedList, load_lists

#: Findings about an input that could not be read (the same id ``scan`` uses).
UNREADABLE_INPUT = ControlId("KG-INPUT-001")
#: Findings about a line or item of an input that is not a usable audit event.
REJECTED_EVENT = ControlId("KG-INPUT-002")
#: Findings about a behaviour baseline that could not be written.
BASELINE_NOT_SAVED = ControlId("KG-INPUT-004")


@dataclass(frozen=True, slots=True)
class DetectOptions:
    """Which rules to run and how to read the inputs."""

    rule_paths: tuple[str | Path, ...] = ()
    """User rule files or folders, loaded after the built-in rules."""
    builtin_rules: bool = True
    address_lists: AddressLists = field(default_factory=dict)
    """Threat lists by name (``tor``, ``intel/<feed>``, ``custom/<name>``) for the IP rules."""
    threat_list_files: tuple[tuple[str, str], ...] = ()
    """List files to load, as (list name, path); see :mod:`kubeguard.sources.threat_lists`."""
    tor_exit_files: tuple[str, ...] = ()
    """Tor exit list files, loaded as the ``tor`` list."""
    baseline_path: str | Path | None = None
    """Behaviour baseline file: learn who does what, report first-seen sensitive behaviour."""
    learning_window: datetime.timedelta | None = None
    """How long the baseline only learns (``None``: its own window; 7 days for a new one)."""
    cluster: str = "default"
    """The cluster the events come from: which baseline of the file they belong to."""
    sigma_paths: tuple[str | Path, ...] = ()
    """Sigma rule files or folders; their ``kubernetes``/``audit`` rules run with the others."""
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    max_listed_rejections: int = 20
    """Rejected lines listed one by one per input; the rest are counted in one finding."""

    def load_rule_set(self) -> RuleSet:
        """The rules these options select (raises ``RuleSetError`` on invalid rule files)."""
        return load_rules(self.rule_paths, builtin=self.builtin_rules)


class DetectionRun:
    """One run: a reader, a detector and the errors found along the way."""

    def __init__(
        self,
        options: DetectOptions | None = None,
        *,
        rule_set: RuleSet | None = None,
        on_error: Callable[[Finding], None] | None = None,
    ) -> None:
        self.options = options or DetectOptions()
        loaded = rule_set if rule_set is not None else self.options.load_rule_set()
        self.rule_set, self.sigma = with_sigma(loaded, self.options.sigma_paths)
        self.warnings = [str(warning) for warning in self.sigma.warnings]
        """One line per problem found in Sigma rules (none of them fatal)."""
        self.errors: list[Finding] = []
        self._on_error = on_error
        self.threat_lists = self._load_threat_lists()
        self.address_lists: dict[str, AddressList] = {
            **self.options.address_lists,
            **{name: loaded.addresses for name, loaded in self.threat_lists.items()},
        }
        self.detector = Detector(self.rule_set, self.address_lists)
        self.baselines: Baselines | None = None
        self.anomalies: AnomalyDetector | None = None
        if self.options.baseline_path is not None:
            self.baselines = load_baselines(self.options.baseline_path)
            self.anomalies = AnomalyDetector(
                self._cluster_baseline(self.baselines),
                AnomalySettings.from_lists(self.rule_set.lists),
            )
        self._listed: defaultdict[str, int] = defaultdict(int)
        self._unlisted: dict[str, list[Rejection]] = {}
        self.reader = AuditLogReader(
            on_reject=self._rejected,
            max_event_bytes=self.options.max_event_bytes,
            max_document_bytes=self.options.max_document_bytes,
        )

    def _load_threat_lists(self) -> dict[str, LoadedList]:
        """The list files of the options; their bad lines and unreadable files become errors."""
        loaded = load_lists(self.options.threat_list_files, self.options.tor_exit_files)
        for found in loaded.values():
            for problem in found.problems:
                control = UNREADABLE_INPUT if problem.whole_file else REJECTED_EVENT
                message = f"threat list {found.name}: {problem.reason}"
                self._error(_error_finding(control, problem.location, message))
            for path, count in found.unlisted.items():
                message = f"threat list {found.name}: {count} more lines are not addresses"
                self._error(_error_finding(REJECTED_EVENT, SourceLocation(path), message))
        return loaded

    def _cluster_baseline(self, baselines: Baselines) -> ClusterBaseline:
        window = self.options.learning_window
        seconds = int((DEFAULT_LEARNING_WINDOW if window is None else window).total_seconds())
        found = baselines.cluster(self.options.cluster, seconds)
        if window is not None:
            found.learn_seconds = seconds
        return found

    def save_baseline(self) -> None:
        """Write what the run learned to the baseline file (a failure is an error finding)."""
        if self.baselines is None or self.options.baseline_path is None:
            return
        try:
            save_baselines(self.baselines, self.options.baseline_path)
        except SourceError as error:
            where = error.location or SourceLocation(str(self.options.baseline_path))
            self._error(_error_finding(BASELINE_NOT_SAVED, where, error.message))

    @property
    def rules(self) -> dict[str, RuleInfo]:
        """Every rule and anomaly type findings of this run may name, by id."""
        found: dict[str, RuleInfo] = {rule.id: rule.info for rule in self.rule_set.rules}
        if self.anomalies is not None:
            found.update(self.anomalies.rules())
        return found

    @property
    def counts(self) -> IngestionCounts:
        """What was read so far."""
        return self.reader.counts

    def _rejected(self, rejection: Rejection) -> None:
        path = rejection.location.path
        if rejection.whole_input:
            self._error(input_error(rejection))
        elif self._listed[path] < self.options.max_listed_rejections:
            self._listed[path] += 1
            self._error(input_error(rejection))
        else:
            self._unlisted.setdefault(path, []).append(rejection)

    def _error(self, finding: Finding) -> None:
        self.errors.append(finding)
        if self._on_error is not None:
            self._on_error(finding)

    def findings(self, events: Iterable[AuditEvent]) -> Iterator[Finding]:
        """The detection findings of ``events``, each once its aggregation window closed.

        With a baseline, anomaly findings come out as their event is read, and the baseline is
        saved when the events end.
        """
        if self.anomalies is None:
            yield from self.detector.run(events)
        else:
            yield from self._with_anomalies(events)
            self.save_baseline()
        self._summarise_unlisted()

    def feed(self, event: AuditEvent) -> list[Finding]:
        """One event through the anomaly detector (with a baseline) and the rules: the
        anomalies it raises and the rule findings whose window it closed."""
        raised = self.anomalies.feed(event) if self.anomalies is not None else []
        return raised + self.detector.feed(event)

    def _with_anomalies(self, events: Iterable[AuditEvent]) -> Iterator[Finding]:
        """Findings event by event, so an anomaly comes out as soon as its event is read."""
        countdown = Detector.EXPIRY_INTERVAL
        for event in events:
            yield from self.feed(event)
            countdown -= 1
            if not countdown:
                countdown = Detector.EXPIRY_INTERVAL
                now = event_time(event)
                if now is not None:
                    yield from self.detector.aggregator.expire(now)
        yield from self.detector.aggregator.flush()

    def _summarise_unlisted(self) -> None:
        for path, rejections in self._unlisted.items():
            first = rejections[0].location
            truncated = sum(1 for rejection in rejections if rejection.truncated)
            detail = f", {truncated} of them cut off by CloudWatch Logs" if truncated else ""
            self._error(
                _error_finding(
                    REJECTED_EVENT,
                    SourceLocation(path, first.line),
                    f"{len(rejections)} more lines were not usable audit events{detail}; the "
                    f"first is at line {first.line}",
                )
            )
        self._unlisted.clear()

    def result(self, findings: list[Finding]) -> ScanResult:
        """The run as one result for the reports."""
        return ScanResult(
            findings=findings + self.errors,
            rules=self.rules,
            objects=self.counts.events,
            settings=_settings(self),
            ingestion=self.counts,
        )


def stream_findings(
    inputs: Iterable[str],
    run: DetectionRun,
    *,
    stdin: BinaryIO | None = None,
) -> Iterator[Finding]:
    """Detection findings of audit-log files (or ``-``), as they close; errors go to ``run``."""
    yield from run.findings(run.reader.read(inputs, stdin=stdin))


def detect_files(
    inputs: Iterable[str],
    options: DetectOptions | None = None,
    *,
    stdin: BinaryIO | None = None,
    rule_set: RuleSet | None = None,
) -> ScanResult:
    """Run the detection rules over audit-log files, folders or ``-`` (stdin)."""
    run = DetectionRun(options, rule_set=rule_set)
    findings = list(stream_findings(inputs, run, stdin=stdin))
    return run.result(findings)


def input_error(rejection: Rejection) -> Finding:
    """The ERROR finding that reports a rejected line or an unreadable input."""
    control = UNREADABLE_INPUT if rejection.whole_input else REJECTED_EVENT
    return _error_finding(control, rejection.location, rejection.reason)


def _error_finding(control: ControlId, location: SourceLocation, message: str) -> Finding:
    return Finding(
        control_id=control,
        layer=None,
        severity=Severity.HIGH,
        status=Status.ERROR,
        resource=None,
        message=message,
        location=location,
        fingerprint=fingerprint(control, None, f"{location}:{message}"),
    )


def _settings(run: DetectionRun) -> dict[str, str]:
    active = len(run.detector.index.active)
    settings = {"rules": str(len(run.rule_set.rules)), "active_rules": str(active)}
    if run.address_lists:
        settings["threat_lists"] = ",".join(
            f"{name} ({len(found)} entries)" if isinstance(found, Sized) else name
            for name, found in sorted(run.address_lists.items())
        )
    if run.anomalies is not None:
        baseline = run.anomalies.baseline
        settings["baseline"] = f"{run.options.baseline_path} (cluster {baseline.cluster})"
        settings["baseline_events"] = str(baseline.events)
        if baseline.started is not None:
            settings["learning_until"] = moment(
                baseline.started + baseline.learn_seconds
            ).isoformat()
    sigma = run.sigma
    if run.options.sigma_paths:
        settings["sigma_rules"] = (
            f"{len(sigma.rules)} loaded ({sigma.never_fire} can never fire), {sigma.skipped} "
            f"skipped, {sigma.other_logsources} for other log sources, from {sigma.files} files"
        )
    rejected = sum(loaded.rejected for loaded in run.threat_lists.values())
    if rejected:
        settings["threat_list_rejected_lines"] = str(rejected)
    return settings


def rule_entries(rule_set: RuleSet, active_ids: Iterable[str] = ()) -> list[RuleEntry]:
    """The catalogue rows of every rule, for ``kubeguard detect rules``."""
    active = set(active_ids)
    return [
        RuleEntry(
            id=rule.id,
            title=rule.title,
            level=rule.level,
            severity=rule.severity.value,
            status=rule.status,
            finding_type=rule.finding_type,
            tactics=tuple(TACTICS[tactic] for tactic in tactics_of(rule.tags)),
            techniques=tuple(
                f"{technique} {TECHNIQUES[technique]}" for technique in techniques_of(rule.tags)
            ),
            origin="built-in" if rule.builtin else str(rule.source),
            active=rule.id in active,
            references={key: tuple(ids) for key, ids in rule.extra_refs.items()},
        )
        for rule in rule_set.rules
    ]


def with_sigma(rule_set: RuleSet, paths: Iterable[str | Path]) -> tuple[RuleSet, SigmaRules]:
    """``rule_set`` with the Sigma rules of ``paths`` added, and what loading them found."""
    folders = list(paths)
    if not folders:
        return rule_set, SigmaRules()
    sigma = read_sigma(folders, taken_ids={rule.id for rule in rule_set.rules})
    merged = RuleSet((*rule_set.rules, *sigma.rules), rule_set.lists, rule_set.macros)
    return merged, sigma


def read_sigma(paths: Iterable[str | Path], *, taken_ids: Iterable[str] = ()) -> SigmaRules:
    """The Sigma rules in the files and folders (``*.yml``, ``*.yaml``, recursively)."""
    texts: list[tuple[str, str]] = []
    unreadable: list[SigmaWarning] = []
    for path in rule_files(paths):
        try:
            texts.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            location = SourceLocation(str(path))
            unreadable.append(SigmaWarning(location, f"cannot read Sigma rule file: {reason}"))
    loaded = parse_sigma(texts, taken_ids=set(taken_ids))
    return dataclasses.replace(
        loaded, warnings=(*unreadable, *loaded.warnings), files=loaded.files + len(unreadable)
    )


def list_rules(
    options: DetectOptions | None = None, *, on_warning: Callable[[str], None] | None = None
) -> list[RuleEntry]:
    """Every rule the options load, with whether it can fire given the threat lists loaded."""
    options = options or DetectOptions()
    rule_set, sigma = with_sigma(options.load_rule_set(), options.sigma_paths)
    for warning in sigma.warnings:
        if on_warning is not None:
            on_warning(str(warning))
    detector = Detector(rule_set, options.address_lists)
    return rule_entries(rule_set, (rule.rule.id for rule in detector.index.active))


def check_user_rules(
    rule_paths: Iterable[str | Path],
    samples_root: str | Path,
    *,
    address_lists: AddressLists | None = None,
    include_builtin: bool = False,
) -> list[RuleTestResult]:
    """Check each rule in ``rule_paths`` against ``<samples_root>/<rule file stem>/``.

    The built-in lists and macros are loaded too, so user rules may use them; only the user's
    rules are tested unless ``include_builtin``. Raises ``RuleSetError`` when a rule file is
    invalid.
    """
    paths = list(rule_paths)
    rule_set = load_rules(paths, builtin=True)
    root = Path(samples_root)
    results = []
    for rule in rule_set.rules:
        if rule.builtin and not include_builtin:
            continue
        samples = read_samples(samples_folder(rule, root))
        tested, shipped = rule_set, None
        if samples.lists_file is not None:
            tested = load_rules([*paths, samples.lists_file], builtin=True)
            shipped = rule
        tested_rule = tested.by_id(rule.id) or rule
        results.append(check_rule(tested_rule, tested, samples, address_lists, shipped=shipped))
    return results


def read_samples(folder: Path) -> RuleSamples:
    """The events of ``match.jsonl`` and ``nomatch.jsonl`` in ``folder`` (each kept, duplicates too)."""
    problems: list[str] = []
    reader = AuditLogReader(
        on_reject=lambda rejection: problems.append(str(rejection)), deduplicate=False
    )

    def events(name: str) -> list[AuditEvent] | None:
        path = folder / name
        return list(reader.read_file(str(path))) if path.is_file() else None

    lists_file = folder / LISTS_FILE
    return RuleSamples(
        events(MATCH_FILE),
        events(NOMATCH_FILE),
        problems,
        lists_file if lists_file.is_file() else None,
    )
