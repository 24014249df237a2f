"""Terminal report: failing findings grouped by layer and severity, with the fix next to each.

Errors come first because they mean the scan is incomplete; a summary line comes last. Styles are
attached to :class:`rich.text.Text` spans and the console never parses markup, so text taken from
manifests (names, messages) prints exactly as written: ``[bold]`` in a name stays ``[bold]``.
Without colour the output is plain text with no escape codes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

from rich.console import Console
from rich.text import Text

from kubeguard import __version__
from kubeguard.findings import ExceptionRule, ScanResult
from kubeguard.model import (
    DetectionDetail,
    Finding,
    IngestionCounts,
    Layer,
    RuleInfo,
    Severity,
    Status,
)
from kubeguard.report.describe import describe_expired, describe_resource
from kubeguard.report.options import ReportOptions

SEVERITY_STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_HEADING = "bold"
_ERROR = "bold red"
_WARNING = "yellow"
_QUIET = "dim"
#: Heading of failing findings that belong to no layer (none do today; input problems are errors).
_NO_LAYER = "other"


def render(result: ScanResult, options: ReportOptions) -> str:
    """The scan as text for a terminal (coloured when ``options.color``)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        width=options.width or 100,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
        legacy_windows=False,
    )
    # One print of all lines: printing each line on its own costs more than building it (rich
    # measures the terminal and renders per call), and thousands of findings make many lines.
    console.print(Text("\n").join(_report(result, options)))
    return buffer.getvalue()


def _report(result: ScanResult, options: ReportOptions) -> Iterator[Text]:
    yield _header(result)
    yield from _errors(result)
    yield from _warnings(result.expired_exceptions)
    yield from _failures(result)
    if options.show_suppressed:
        yield from _suppressed(result)
    if options.show_passed:
        yield from _passed(result)
    if options.verbose and result.notes:
        yield Text()
        yield Text("Skipped documents", style=_HEADING)
        for note in result.notes:
            yield Text(f"  {note.location}  {note.message}")
    yield Text()
    yield _summary(result, options.fail_on)


def _header(result: ScanResult) -> Text:
    settings = ", ".join(f"{key}={value}" for key, value in result.settings.items())
    subject, judge = _words(result)
    return Text.assemble(
        (f"kubeguard {__version__}", _HEADING),
        f": {_plural(result.objects, subject)}, {_plural(len(result.rules), judge)}",
        f" ({settings})" if settings else "",
    )


def _words(result: ScanResult) -> tuple[str, str]:
    """What was judged and by what: objects by controls, or audit events by rules."""
    return ("event", "rule") if result.ingestion is not None else ("object", "control")


def _errors(result: ScanResult) -> Iterator[Text]:
    errors = result.errors
    if not errors:
        return
    yield Text()
    yield Text(
        f"SCAN INCOMPLETE: {_plural(len(errors), 'input or check', 'inputs or checks')} "
        "could not be evaluated; the findings below are partial.",
        style=_ERROR,
    )
    for error in errors:
        yield Text.assemble(
            "  ",
            ("ERROR", _ERROR),
            f"  {error.control_id}  ",
            _where(error),
            f"  {error.message}",
        )


def _warnings(expired: Sequence[ExceptionRule]) -> Iterator[Text]:
    if not expired:
        return
    yield Text()
    yield Text("Warnings", style=_HEADING)
    for rule in expired:
        yield Text.assemble("  ", ("warning", _WARNING), f": {describe_expired(rule)}")


def _failures(result: ScanResult) -> Iterator[Text]:
    failures = result.failures()
    if not failures:
        yield Text()
        yield Text("No failing findings.", style=_HEADING)
        return
    by_layer: dict[Layer | None, list[Finding]] = defaultdict(list)
    for finding in failures:
        by_layer[finding.layer].append(finding)
    layers: list[Layer | None] = [layer for layer in Layer if layer in by_layer]
    if None in by_layer:
        layers.append(None)
    for layer in layers:
        yield Text()
        yield Text(layer.value if layer else _NO_LAYER, style=_HEADING)
        yield from _layer_findings(by_layer[layer], result.rules)


def _layer_findings(findings: list[Finding], rules: Mapping[str, RuleInfo]) -> Iterator[Text]:
    by_control: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_control[(-finding.severity.rank, finding.control_id)].append(finding)
    for (_, control_id), group in sorted(by_control.items()):
        severity = group[0].severity
        rule = rules.get(control_id)
        yield Text.assemble(
            "  ",
            (severity.value.upper().ljust(8), SEVERITY_STYLES[severity]),
            f"  {control_id}",
            f"  {rule.title}" if rule else "",
        )
        for finding in sorted(group, key=_position):
            yield Text.assemble("    ", _where(finding), f"  {finding.message}")
            if finding.detection is not None:
                yield from _detection_lines(finding.detection)
        if rule and rule.remediation:
            yield Text.assemble("    ", ("fix:", _HEADING), f" {rule.remediation}")


def _detection_lines(detail: DetectionDetail) -> Iterator[Text]:
    """Who did what and how often, under a detection finding."""
    actor, action = detail.actor, detail.action
    who = actor.username or "(unknown user)"
    if actor.impersonated_user:
        who += f" as {actor.impersonated_user}"
    if actor.groups:
        who += f" ({', '.join(actor.groups)})"
    if actor.source_ips:
        who += f" from {', '.join(actor.source_ips)}"
    if actor.user_agent:
        who += f" via {actor.user_agent}"
    what = " ".join(part for part in (action.verb, action.request_uri) if part)
    if action.response_code is not None:
        what += f" -> {action.response_code}"
    times = _plural(detail.count, "time")
    if detail.first_seen is not None and detail.last_seen is not None:
        first, last = detail.first_seen.isoformat(), detail.last_seen.isoformat()
        times += f", {first}" + (f" to {last}" if last != first else "")
    yield Text.assemble("      ", (detail.finding_type, _HEADING))
    yield Text.assemble("      ", ("actor:", _QUIET), f" {who}")
    yield Text.assemble("      ", ("action:", _QUIET), f" {what}; {times}")
    if detail.threat_lists:
        yield Text.assemble(
            "      ", ("threat lists:", _WARNING), f" {', '.join(detail.threat_lists)}"
        )


def _suppressed(result: ScanResult) -> Iterator[Text]:
    suppressed = result.suppressed()
    if not suppressed:
        return
    yield Text()
    yield Text("Suppressed", style=_HEADING)
    for finding in sorted(suppressed, key=_position):
        yield Text.assemble(
            "  ",
            (finding.severity.value.upper().ljust(8), _QUIET),
            f"  {finding.control_id}  ",
            _where(finding),
            f"  {finding.message}",
            (f"  suppressed by {finding.suppressed_by}", _QUIET),
        )


def _passed(result: ScanResult) -> Iterator[Text]:
    passed = [f for f in result.findings if f.status == Status.PASS and f.suppressed_by is None]
    if not passed:
        return
    yield Text()
    yield Text("Passed", style=_HEADING)
    for finding in sorted(passed, key=lambda f: (f.control_id, *_position(f))):
        yield Text.assemble("  ", ("PASS", "green"), f"  {finding.control_id}  ", _where(finding))


def _summary(result: ScanResult, fail_on: Severity | None) -> Text:
    counts = result.counts()
    failures = result.failures()
    by_severity = _failed_by_severity(failures)
    subject, judge = _words(result)
    parts = [
        _plural(result.objects, subject),
        _plural(len(result.rules), judge),
        f"{len(failures)} failed" + (f" ({by_severity})" if by_severity else ""),
        f"{counts[Status.PASS.value]} passed",
        f"{counts['suppressed']} suppressed",
        _plural(counts[Status.ERROR.value], "error"),
    ]
    ingestion = result.ingestion
    if ingestion is not None:
        parts.insert(1, _ingestion(ingestion))
    text = Text.assemble(("Summary: ", _HEADING), ", ".join(parts), ".")
    if fail_on is not None:
        over = len(result.failures(fail_on))
        verdict = f"{_plural(over, 'finding')} at or above it" if over else "nothing at or above it"
        text.append(f" --fail-on {fail_on.value}: ")
        text.append(verdict, style=_ERROR if over else "green")
        text.append(".")
    if result.incomplete:
        text.append(" INCOMPLETE: some inputs or checks failed.", style=_ERROR)
    return text


def _ingestion(counts: IngestionCounts) -> str:
    parts = [
        f"{_plural(counts.inputs, 'input')} read",
        f"{counts.duplicates} duplicate{'s' if counts.duplicates != 1 else ''} skipped",
        f"{counts.rejected} rejected"
        + (f" ({counts.truncated} truncated by CloudWatch)" if counts.truncated else ""),
    ]
    return ", ".join(parts)


def _failed_by_severity(failures: Iterable[Finding]) -> str:
    counts: dict[Severity, int] = defaultdict(int)
    for finding in failures:
        counts[finding.severity] += 1
    return ", ".join(
        f"{counts[severity]} {severity.value}"
        for severity in reversed(Severity)
        if counts[severity]
    )


def _where(finding: Finding) -> str:
    """Resource and file:line, whichever are known."""
    parts = []
    if finding.resource is not None:
        parts.append(describe_resource(finding.resource))
    if finding.location is not None:
        parts.append(str(finding.location))
    return "  ".join(parts) or "(unknown location)"


def _position(finding: Finding) -> tuple[str, int]:
    location = finding.location
    return (location.path, location.line or 0) if location else ("", 0)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
