"""The flags and the output of a command that reports findings, declared once.

``kubeguard dockerfile lint`` uses them; they mirror ``kubeguard scan``'s so that every
findings command reads and exits alike (formats, ``-o``, ``--fail-on``, suppressed and passed
findings, colour, exit codes 0/1/3).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from kubeguard.cli.scan_command import SEVERITY_CHOICE, _exit_code, _report_errors, _use_color
from kubeguard.findings import ScanResult
from kubeguard.model import Severity
from kubeguard.report import OutputFormat, ReportOptions, render

F = TypeVar("F", bound=Callable[..., Any])


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


def emit_report(result: ScanResult, flags: ReportFlags, default_fail_on: Severity | None) -> int:
    """Render ``result`` where asked, list failed inputs on stderr, return the exit code."""
    threshold = Severity(flags.fail_on) if flags.fail_on else default_fail_on or Severity.INFO
    options = ReportOptions(
        show_suppressed=flags.show_suppressed,
        show_passed=flags.show_passed,
        color=_use_color(no_color=flags.no_color, to_file=flags.output is not None),
        fail_on=threshold,
    )
    text = render(result, OutputFormat(flags.output_format), options)
    if flags.output:
        Path(flags.output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False, color=options.color)
    _report_errors(
        result,
        to_stderr=flags.output is not None or flags.output_format != OutputFormat.TABLE.value,
    )
    return _exit_code(result, threshold)
