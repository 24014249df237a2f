"""``kubeguard detect``: threat detection over Kubernetes audit logs.

``kubeguard detect FILES...`` is the group's default command (``files``), so the audit logs can
follow ``detect`` directly; ``rules`` and ``test`` are subcommands. More sources (another
subcommand such as a webhook server, or options of ``files``) plug in beside them: each builds a
:class:`~kubeguard.detect.DetectionRun`, feeds it events and hands the findings to
:func:`report_findings`.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from kubeguard.cli.detect_serve_command import serve_command
from kubeguard.cli.exit_codes import EXIT_CODES_HELP, ExitCode
from kubeguard.cli.report_flags import SEVERITY_CHOICE, ReportFlags, emit_report, exit_code_for
from kubeguard.detect import (
    DetectionRun,
    DetectOptions,
    check_user_rules,
    list_rules,
    stream_findings,
)
from kubeguard.engines.detect import RuleSetError
from kubeguard.engines.detect.language import parse_duration
from kubeguard.engines.detect.testing import all_passed
from kubeguard.findings import ScanResult
from kubeguard.model import AuditEvent, ConfigError, Finding, Severity
from kubeguard.report import OutputFormat
from kubeguard.report.detect_rules import RulesFormat, render_rule_catalog, render_rule_tests
from kubeguard.report.jsonl import finding_line
from kubeguard.sources.cloudwatch import DEFAULT_STREAM_PREFIX, CloudWatchSource, parse_moment
from kubeguard.sources.threat_lists import parse_list_option

F = TypeVar("F", bound=Callable[..., Any])

#: The JSON-lines stream, on top of the report formats every findings command has.
JSONL = "jsonl"
FORMATS = [*(f.value for f in OutputFormat), JSONL]

TEST_EXIT_CODES = """\b
Exit codes:
  0  every rule fired on its match samples and on none of its nomatch samples
  1  some rule failed its samples (or has none)
  2  usage error, or an invalid rule file
"""


class _DefaultCommandGroup(click.Group):
    """A group that runs ``files`` when the first argument names no subcommand."""

    default_command = "files"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultCommandGroup)
def detect() -> None:
    """Threat detection over Kubernetes audit logs (GuardDuty-style findings).

    \b
    Examples:
      kubeguard detect audit.log audit-2.log.gz
      kubeguard detect --cloudwatch /aws/eks/prod/cluster --since 24h
      kubeguard detect serve --config detect.yaml
      kubeguard detect logs/ --format jsonl | jq .detection.finding_type
      kubeguard detect rules --rules my-rules/
      kubeguard detect test my-rules/ --events my-samples/
    """


detect.add_command(serve_command)


def rules_option(function: F) -> F:
    """``--rules`` (repeatable): user rule files or folders."""
    return click.option(
        "--rules",
        "rule_paths",
        multiple=True,
        type=click.Path(exists=True),
        help="User rule file or folder, loaded after the built-in rules (repeatable).",
    )(function)


def sigma_option(function: F) -> F:
    """``--sigma`` (repeatable): Sigma rule files or folders."""
    return click.option(
        "--sigma",
        "sigma_paths",
        multiple=True,
        type=click.Path(exists=True),
        help="Sigma rule file or folder (SigmaHQ's rules/ will do): its kubernetes/audit rules "
        "run with the others (repeatable).",
    )(function)


def rules_format_option(function: F) -> F:
    """``--format`` of the rule commands (table or json)."""
    return click.option(
        "-f",
        "--format",
        "output_format",
        type=click.Choice([f.value for f in RulesFormat]),
        default=RulesFormat.TABLE.value,
        show_default=True,
    )(function)


@detect.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, metavar="[FILE]...")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=OutputFormat.TABLE.value,
    show_default=True,
    help="Report format; jsonl writes one finding per line as soon as it is known.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report here."
)
@click.option(
    "--fail-on",
    type=SEVERITY_CHOICE,
    help="Exit 1 on findings at or above this severity [default: info].",
)
@rules_option
@click.option("--no-builtin-rules", is_flag=True, help="Run only the rules given with --rules.")
@click.option(
    "--threat-list",
    "threat_lists",
    multiple=True,
    metavar="NAME=PATH",
    callback=lambda ctx, param, values: tuple(_threat_list(value) for value in values),
    help="IP/CIDR list (text or CSV) for the MaliciousIPCaller rules: NAME is custom/<name> "
    "(or just <name>) for your own lists, intel/<name> for threat-intelligence feeds "
    "(repeatable).",
)
@click.option(
    "--tor-exits",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Tor exit list (the Tor project's exit-addresses file, or one address per line) "
    "for the TorIPCaller rules (repeatable).",
)
@sigma_option
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Behaviour baseline file (created if absent, saved after the run): learn who does "
    "what, then report first-seen sensitive behaviour as AnomalousBehavior findings.",
)
@click.option(
    "--learn",
    metavar="DURATION",
    callback=lambda ctx, param, value: _duration(value) if value else None,
    help="With --baseline: how long the baseline only learns, in event time (12h, 7d) "
    "[default: the baseline's own; 7d for a new one].",
)
@click.option(
    "--cluster",
    default="default",
    show_default=True,
    help="With --baseline: the cluster the events come from (one file holds many).",
)
@click.option(
    "--max-event-size",
    type=click.IntRange(min=1),
    default=4096,
    show_default=True,
    help="Longest event (one line) read, in KiB; longer lines are rejected.",
)
@click.option(
    "--cloudwatch",
    "log_group",
    metavar="LOG_GROUP",
    help="Also pull audit events from this CloudWatch Logs group (EKS: /aws/eks/<cluster>/cluster).",
)
@click.option(
    "--since",
    metavar="WHEN",
    help="With --cloudwatch: start this long ago (24h, 30m, 7d) or at an ISO time [default: 1h].",
)
@click.option(
    "--until",
    metavar="WHEN",
    help="With --cloudwatch: stop this long ago or at an ISO time [default: now].",
)
@click.option(
    "--stream-prefix",
    default=DEFAULT_STREAM_PREFIX,
    show_default=True,
    help="With --cloudwatch: read only log streams whose name starts with this.",
)
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --cloudwatch: skip what this file says earlier runs read; record this run's end.",
)
@click.option("--region", help="With --cloudwatch: the AWS region [default: AWS_REGION].")
@click.option("--no-color", is_flag=True, help="Plain output without colour.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def files(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str | None,
    rule_paths: tuple[str, ...],
    no_builtin_rules: bool,
    threat_lists: tuple[tuple[str, str], ...],
    tor_exits: tuple[str, ...],
    sigma_paths: tuple[str, ...],
    baseline: Path | None,
    learn: datetime.timedelta | None,
    cluster: str,
    max_event_size: int,
    log_group: str | None,
    since: str | None,
    until: str | None,
    stream_prefix: str,
    checkpoint: Path | None,
    region: str | None,
    no_color: bool,
    debug: bool,
) -> int:
    """Detect threats in audit-log files: JSON lines (plain or gzip), EventList documents, - for stdin.

    This is what `kubeguard detect FILE...` runs. Folders are read file by file. With
    --cloudwatch, events also come from CloudWatch Logs (FilterLogEvents, every page); with
    --checkpoint, each run continues where the previous one stopped.
    """
    del debug  # read by the error boundary in main
    cloudwatch = _cloudwatch_source(log_group, since, until, stream_prefix, checkpoint, region)
    if not paths and cloudwatch is None:
        raise click.UsageError("give audit-log files (- for stdin) or --cloudwatch LOG_GROUP")
    if baseline is None and learn is not None:
        raise click.UsageError("--learn goes with --baseline")
    options = DetectOptions(
        rule_paths=rule_paths,
        builtin_rules=not no_builtin_rules,
        threat_list_files=threat_lists,
        tor_exit_files=tor_exits,
        sigma_paths=sigma_paths,
        baseline_path=baseline,
        learning_window=learn,
        cluster=cluster,
        max_event_bytes=max_event_size * 1024,
    )
    threshold = Severity(fail_on) if fail_on else Severity.INFO
    if output_format == JSONL:
        return _stream(paths, cloudwatch, options, output, threshold)
    run = _start(options)
    if run is None:
        return ExitCode.USAGE
    findings = list(_findings(paths, cloudwatch, run))
    flags = ReportFlags(output_format, output, fail_on, False, False, no_color)
    code = emit_report(run.result(findings), flags, Severity.INFO)
    if cloudwatch is not None:
        cloudwatch.save_checkpoint()
    return code


def _cloudwatch_source(
    log_group: str | None,
    since: str | None,
    until: str | None,
    stream_prefix: str,
    checkpoint: Path | None,
    region: str | None,
) -> CloudWatchSource | None:
    """The CloudWatch source the flags describe; ``None`` without --cloudwatch."""
    if log_group is None:
        if since or until or checkpoint:
            raise click.UsageError("--since, --until and --checkpoint go with --cloudwatch")
        return None
    now = datetime.datetime.now(datetime.UTC)
    moments: list[datetime.datetime | None] = []
    for flag, value in (("--since", since), ("--until", until)):
        try:
            moments.append(parse_moment(value, now) if value else None)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=flag) from None
    return CloudWatchSource(
        log_group,
        start=moments[0],
        end=moments[1],
        stream_prefix=stream_prefix,
        checkpoint=checkpoint,
        region=region,
    )


def _findings(
    paths: Iterable[str], cloudwatch: CloudWatchSource | None, run: DetectionRun
) -> Iterator[Finding]:
    """Findings of the files, then of CloudWatch Logs, through one reader (one dedupe)."""
    if cloudwatch is None:
        return stream_findings(paths, run)
    events: Iterator[AuditEvent] = itertools.chain(
        run.reader.read(paths), cloudwatch.events(run.reader)
    )
    return run.findings(events)


def _duration(value: str) -> datetime.timedelta:
    """A ``--learn`` duration; a usage error when it is not one."""
    try:
        return parse_duration(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _threat_list(value: str) -> tuple[str, str]:
    """``NAME=PATH`` of ``--threat-list`` as (full list name, path); a usage error otherwise."""
    try:
        name, path = parse_list_option(value)
    except ConfigError as error:
        raise click.BadParameter(error.message) from None
    if not Path(path).is_file():
        raise click.BadParameter(f"{path!r} is not a file")
    return name, path


def _start(
    options: DetectOptions, on_error: Callable[[Finding], None] | None = None
) -> DetectionRun | None:
    """A run with the selected rules; ``None`` (after saying why) when a rule file is invalid."""
    try:
        run = DetectionRun(options, on_error=on_error)
    except RuleSetError as error:
        _rule_errors(error)
        return None
    for warning in run.warnings:
        _warn(warning)
    return run


def _warn(message: str) -> None:
    click.echo(f"kubeguard: warning: {message}", err=True)


def _rule_errors(error: RuleSetError) -> None:
    for problem in error.errors:
        click.echo(f"kubeguard: error: {problem}", err=True)
    click.echo(
        f"kubeguard: {len(error.errors)} problem(s) in rule files; fix them and run again.",
        err=True,
    )


def _stream(
    paths: Iterable[str],
    cloudwatch: CloudWatchSource | None,
    options: DetectOptions,
    output: str | None,
    threshold: Severity,
) -> int:
    """JSON lines: each finding as it closes; rejected input lines on stderr as they come."""
    run = _start(options, on_error=lambda error: click.echo(_error_line(error), err=True))
    if run is None:
        return ExitCode.USAGE
    rules = run.rules
    findings: list[Finding] = []
    with _open_output(output) as sink:
        for finding in _findings(paths, cloudwatch, run):
            findings.append(finding)
            sink.write(finding_line(finding, rules.get(finding.control_id)))
            sink.flush()
    if cloudwatch is not None:
        cloudwatch.save_checkpoint()
    return report_findings(run.result(findings), threshold)


def report_findings(result: ScanResult, threshold: Severity) -> int:
    """The exit code of a detection whose findings were already written."""
    return int(exit_code_for(result, threshold))


@contextlib.contextmanager
def _open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file opened for writing (closed afterwards)."""
    if path is None:
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8") as sink:
        yield sink


def _error_line(error: Finding) -> str:
    return f"kubeguard: error: {error.location}: {error.message}"


@detect.command(name="rules")
@rules_option
@sigma_option
@rules_format_option
def rules_command(
    rule_paths: tuple[str, ...], sigma_paths: tuple[str, ...], output_format: str
) -> int:
    """List the detection rules (built-in, --rules and --sigma) with their ATT&CK mapping."""
    try:
        entries = list_rules(
            DetectOptions(rule_paths=rule_paths, sigma_paths=sigma_paths), on_warning=_warn
        )
    except RuleSetError as error:
        _rule_errors(error)
        return ExitCode.USAGE
    click.echo(render_rule_catalog(entries, RulesFormat(output_format)), nl=False)
    return ExitCode.CLEAN


@detect.command(name="test", epilog=TEST_EXIT_CODES)
@click.argument("rules_dir", type=click.Path(exists=True), metavar="RULES")
@click.option(
    "--events",
    "samples_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder holding <rule file name>/match.jsonl and nomatch.jsonl for each rule.",
)
@rules_format_option
def test_command(rules_dir: str, samples_dir: str, output_format: str) -> int:
    """Check your rules against sample events: each must fire on match.jsonl, not on nomatch.jsonl.

    \b
    Example layout:
      my-rules/exec_by_ci.yml
      my-samples/exec_by_ci/match.jsonl      (events that must fire the rule)
      my-samples/exec_by_ci/nomatch.jsonl    (near misses that must not)
    """
    try:
        results = check_user_rules([rules_dir], samples_dir)
    except RuleSetError as error:
        _rule_errors(error)
        return ExitCode.USAGE
    click.echo(render_rule_tests(results, RulesFormat(output_format)), nl=False)
    return ExitCode.CLEAN if results and all_passed(results) else ExitCode.FINDINGS
