"""``kubeguard scan``: posture of manifest files, folders or stdin."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kubeguard.cli.exit_codes import EXIT_CODES_HELP, ExitCode
from kubeguard.cli.options import framework_option, layer_option
from kubeguard.config import load_config
from kubeguard.engines.posture import PostureSettings, PssLevel, parse_pss_version
from kubeguard.findings import ScanResult
from kubeguard.model import Layer, Severity
from kubeguard.report import OutputFormat, ReportOptions, render
from kubeguard.scan import ScanOptions, scan_manifests

SEVERITY_CHOICE = click.Choice([severity.value for severity in Severity])


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in OutputFormat]),
    default=OutputFormat.TABLE.value,
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report here."
)
@click.option(
    "--fail-on",
    type=SEVERITY_CHOICE,
    help="Exit 1 on findings at or above this severity [default: info].",
)
@click.option(
    "--pss",
    "pss_level",
    type=click.Choice([level.value for level in PssLevel]),
    help="Pod Security Standards level [default: restricted].",
)
@click.option(
    "--pss-version", metavar="v1.N|latest", help="Pod Security Standards version [default: latest]."
)
@framework_option
@layer_option
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file [default: .kubeguard.yaml if present].",
)
@click.option("--show-suppressed", is_flag=True, help="List findings suppressed by exceptions.")
@click.option("--show-passed", is_flag=True, help="List passing checks too.")
@click.option("--no-color", is_flag=True, help="Plain output without colour.")
@click.option("-v", "--verbose", is_flag=True, help="Also list skipped non-Kubernetes documents.")
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Largest input read, in MiB.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for parsing and checking [default: one per core].",
)
@click.option(
    "--images",
    "with_images",
    is_flag=True,
    help="Also scan every image the workloads reference for known vulnerabilities.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks; re-raise control failures.")
def scan(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str | None,
    pss_level: str | None,
    pss_version: str | None,
    framework: str | None,
    layers: tuple[str, ...],
    config_path: str | None,
    show_suppressed: bool,
    show_passed: bool,
    no_color: bool,
    verbose: bool,
    max_file_size: int,
    jobs: int | None,
    with_images: bool,
    debug: bool,
) -> int:
    """Check Kubernetes manifests (files, folders, or - for stdin).

    \b
    Examples:
      kubeguard scan k8s/ other.yaml
      helm template my-chart | kubeguard scan -
      kubeguard scan k8s/ --format sarif -o kubeguard.sarif --fail-on high
      kubeguard scan pods/ --framework pss --pss baseline --pss-version v1.25
    """
    config = load_config(config_path)
    level = PssLevel(pss_level or config.pss.level or PssLevel.RESTRICTED)
    version = parse_pss_version(pss_version or config.pss.version or "latest")
    options = ScanOptions(
        settings=PostureSettings(
            pss_level=level,
            pss_version=version,
            allowed_registries=tuple(config.allowed_registries),
        ),
        framework=framework,
        layers=tuple(Layer(layer) for layer in layers),
        config=config,
        max_file_bytes=max_file_size * 1024 * 1024,
        debug=debug,
        workers=jobs,
    )
    if with_images:
        # Imported here: the image commands reuse this module's report helpers.
        from kubeguard.cli.image_scan_command import scan_workload_images

        result = scan_workload_images(paths, options)
    else:
        result = scan_manifests(paths, options)
    threshold = Severity(fail_on) if fail_on else config.fail_on or Severity.INFO
    report_options = ReportOptions(
        show_suppressed=show_suppressed,
        show_passed=show_passed,
        verbose=verbose,
        color=_use_color(no_color=no_color, to_file=output is not None),
        fail_on=threshold,
    )
    text = render(result, OutputFormat(output_format), report_options)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False, color=report_options.color)
    _report_errors(
        result, to_stderr=output is not None or output_format != OutputFormat.TABLE.value
    )
    return _exit_code(result, threshold)


def _use_color(*, no_color: bool, to_file: bool) -> bool:
    """Colour only on a terminal, and never when asked not to (``--no-color`` or ``NO_COLOR``)."""
    if no_color or to_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _report_errors(result: ScanResult, *, to_stderr: bool) -> None:
    """One line per failed input or check on stderr, when the report itself is not on screen."""
    if not to_stderr:
        return
    for error in result.errors:
        click.echo(f"kubeguard: error: {error.location}: {error.message}", err=True)


def _exit_code(result: ScanResult, threshold: Severity) -> int:
    if result.incomplete:
        return ExitCode.INCOMPLETE
    if result.failures(threshold):
        return ExitCode.FINDINGS
    return ExitCode.CLEAN
