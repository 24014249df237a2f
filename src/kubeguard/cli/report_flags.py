"""The flags and the output of a command that reports findings, declared once.

Every command that reports findings (``scan``, ``dockerfile lint``, ``image scan``, ``detect``)
uses them, so all read and exit alike (formats, ``-o``, ``--fail-on``, suppressed and passed
findings, colour, exit codes 0/1/3).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.findings import ScanResult
from kubeguard.model import Severity
from kubeguard.report import OutputFormat, ReportOptions, render, render_bytes

F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_CHOICE = click.Choice([severity.value for severity in Severity])


@dataclass(frozen=True, slots=True)
class ReportFlags:
    """What the user asked of the report."""

    output_format: str
    output: str | None
    fail_on: str | None
    show_suppressed: bool
    show_passed: bool
    no_color: bool


def report_options(function: F) -> F:
    """Add the report flags; the command receives them as one ``report`` argument."""
    options = [
        click.option(
            "-f",
            "--format",
            "output_format",
            type=click.Choice([f.value for f in OutputFormat]),
            default=OutputFormat.TABLE.value,
            show_default=True,
            help="Report format.",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True),
            help="Write the report here.",
        ),
        click.option(
            "--fail-on",
            type=SEVERITY_CHOICE,
            help="Exit 1 on findings at or above this severity [default: info].",
        ),
        click.option(
            "--show-suppressed", is_flag=True, help="List findings suppressed by exceptions."
        ),
        click.option("--show-passed", is_flag=True, help="List passing checks too."),
        click.option("--no-color", is_flag=True, help="Plain output without colour."),
    ]

    def gather(**kwargs: Any) -> Any:
        names = ReportFlags.__dataclass_fields__
        flags = ReportFlags(**{name: kwargs.pop(name) for name in names})
        return function(report=flags, **kwargs)

    # Carries over the options declared below this decorator, kept in the function's __dict__.
    wrapped: Any = functools.update_wrapper(gather, function)
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def emit_report(
    result: ScanResult,
    flags: ReportFlags,
    default_fail_on: Severity | None,
    *,
    verbose: bool = False,
) -> int:
    """Render ``result`` where asked, list failed inputs on stderr, return the exit code."""
    threshold = Severity(flags.fail_on) if flags.fail_on else default_fail_on or Severity.INFO
    options = ReportOptions(
        show_suppressed=flags.show_suppressed,
        show_passed=flags.show_passed,
        verbose=verbose,
        color=use_color(no_color=flags.no_color, to_file=flags.output is not None),
        fail_on=threshold,
    )
    output_format = OutputFormat(flags.output_format)
    if flags.output:
        Path(flags.output).write_bytes(render_bytes(result, output_format, options))
    elif output_format is OutputFormat.TABLE:
        click.echo(render(result, output_format, options), nl=False, color=options.color)
    else:
        click.echo(render_bytes(result, output_format, options), nl=False)
    report_errors(
        result,
        to_stderr=flags.output is not None or flags.output_format != OutputFormat.TABLE.value,
    )
    return exit_code_for(result, threshold)


def use_color(*, no_color: bool, to_file: bool) -> bool:
    """Colour only on a terminal, and never when asked not to (``--no-color`` or ``NO_COLOR``)."""
    if no_color or to_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def report_errors(result: ScanResult, *, to_stderr: bool) -> None:
    """One line per failed input or check on stderr, when the report itself is not on screen."""
    if not to_stderr:
        return
    for error in result.errors:
        click.echo(f"kubeguard: error: {error.location}: {error.message}", err=True)


def exit_code_for(result: ScanResult, threshold: Severity) -> int:
    """0 clean, 1 failures at or above ``threshold``, 3 when some input or check failed."""
    if result.incomplete:
        return ExitCode.INCOMPLETE
    if result.fails_at(threshold):
        return ExitCode.FINDINGS
    return ExitCode.CLEAN
