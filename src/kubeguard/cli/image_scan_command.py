"""``kubeguard image scan`` and ``kubeguard image rescan``: vulnerabilities of container images.

``image scan`` reads each IMAGE (docker archive, OCI layout, or registry reference, as
``image inventory`` does), keeps its inventory in the vulnerability database by digest, and
matches its packages against the advisories there. ``image rescan`` matches every kept
inventory again, without pulling, after ``kubeguard db update``: continuous scanning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kubeguard.cli.db_command import database_option
from kubeguard.cli.exit_codes import EXIT_CODES_HELP
from kubeguard.cli.image_command import ImageSource, image_source_options, registry_options
from kubeguard.cli.report_flags import ReportFlags, emit_report, report_options
from kubeguard.config import Config, load_config
from kubeguard.findings import ScanResult
from kubeguard.image_scan import (
    ImageScanOptions,
    rescan_images,
    scan_images,
    scan_with_images,
)
from kubeguard.scan import ScanOptions
from kubeguard.vulnerability_db import database_path


def vulnerability_options(function: Callable[..., int]) -> Callable[..., int]:
    """The flags of a vulnerability report: database, suppressions, and the report flags."""
    options = [
        click.option(
            "--ignore-unfixed",
            is_flag=True,
            help="Suppress vulnerabilities that have no fixed version yet.",
        ),
        click.option(
            "--vex",
            "vex",
            multiple=True,
            type=click.Path(dir_okay=False, exists=True),
            help="OpenVEX document whose not_affected statements suppress findings (repeatable).",
        ),
    ]
    decorated: Callable[..., int] = report_options(database_option(function))
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


@click.command("scan", epilog=EXIT_CODES_HELP)
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...")
@image_source_options
@vulnerability_options
def scan_image(
    images: tuple[str, ...], source: ImageSource, report: ReportFlags, **flags: Any
) -> int:
    """Find known vulnerabilities in the packages of each IMAGE.

    \b
    Examples:
      kubeguard image scan app.tar
      kubeguard image scan ./oci-layout:1.4 --ignore-unfixed --vex app.openvex.json
      kubeguard image scan localhost:5000/shop/api:1.4 --fail-on critical --format sarif
    """
    config = load_config(flags["config_path"])
    options = _options(config, flags)
    return _report(scan_images(images, source.read, options), config, report)


@click.command("rescan", epilog=EXIT_CODES_HELP)
@vulnerability_options
def rescan_image(report: ReportFlags, **flags: Any) -> int:
    """Match every image scanned before against the current advisories, without pulling it.

    \b
    Examples:
      kubeguard db update && kubeguard image rescan --fail-on high
    """
    config = load_config(flags["config_path"])
    return _report(rescan_images(_options(config, flags)), config, report)


def scan_workload_images(paths: tuple[str, ...], scan_options: ScanOptions) -> ScanResult:
    """``scan --images``: the manifests' posture plus the vulnerabilities of their images.

    Registries are read anonymously or with ``KUBEGUARD_REGISTRY_USERNAME``/``_PASSWORD``; the
    database is the configured one.
    """
    config = scan_options.config
    registry = registry_options(insecure=False, username=None, password_stdin=False, timeout=30.0)
    options = ImageScanOptions(database=database_path(None, config), config=config)
    return scan_with_images(paths, scan_options, ImageSource(None, registry).read, options)


def _options(config: Config, flags: dict[str, Any]) -> ImageScanOptions:
    return ImageScanOptions(
        database=database_path(flags["database"], config),
        ignore_unfixed=flags["ignore_unfixed"],
        vex=tuple(flags["vex"]),
        config=config,
    )


def _report(result: ScanResult, config: Config, report: ReportFlags) -> int:
    return emit_report(result, report, config.fail_on)
