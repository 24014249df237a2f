"""``kubeguard scan``: posture of manifest files, folders or stdin."""

from __future__ import annotations

import click

from kubeguard.cli.exit_codes import EXIT_CODES_HELP
from kubeguard.cli.options import framework_option, layer_option
from kubeguard.cli.report_flags import ReportFlags, emit_report, report_options
from kubeguard.config import load_config
from kubeguard.engines.posture import PostureSettings, PssLevel, parse_pss_version
from kubeguard.gc_pause import cyclic_gc_paused
from kubeguard.model import Layer, Severity
from kubeguard.scan import ScanOptions, scan_manifests


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@report_options
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
    report: ReportFlags,
    pss_level: str | None,
    pss_version: str | None,
    framework: str | None,
    layers: tuple[str, ...],
    config_path: str | None,
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
    # No cyclic collection until the report is written and the result freed: the first one after
    # the scan would walk every object the scan left alive (a tenth of a second on a large input),
    # and rendering would repeat that for each batch of report entries, to free nothing.
    with cyclic_gc_paused():
        return _scan_and_report(
            paths, options, report, config.fail_on, verbose=verbose, with_images=with_images
        )


def _scan_and_report(
    paths: tuple[str, ...],
    options: ScanOptions,
    report: ReportFlags,
    default_fail_on: Severity | None,
    *,
    verbose: bool,
    with_images: bool,
) -> int:
    """Scan, report, return the exit code; the scan result is freed on return."""
    if with_images:
        # Imported only when asked: image scanning pulls in the registry client and the database.
        from kubeguard.cli.image_scan_command import scan_workload_images

        result = scan_workload_images(paths, options)
    else:
        result = scan_manifests(paths, options)
    return emit_report(result, report, default_fail_on, verbose=verbose)
