"""``kubeguard db``: the local vulnerability database (import, update from feeds, status).

The database is one SQLite file: ``--db``, else ``KUBEGUARD_DB``, else ``vulnerability_db.path``
of the config file, else ``vulnerability.db`` in the user's data folder. ``db update`` fetches
the URLs listed under ``vulnerability_db.feeds`` in ``.kubeguard.yaml``::

    vulnerability_db:
      feeds:
        - https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip
        - https://secdb.alpinelinux.org/v3.19/main.json
        - https://security-tracker.debian.org/tracker/data/json
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kubeguard.cli.exit_codes import EXIT_CODES_HELP, ExitCode
from kubeguard.config import load_config
from kubeguard.model import SourceError
from kubeguard.report.db_status import StatusFormat, render_status
from kubeguard.sources.advisories import AdvisoryDatabase
from kubeguard.vulnerability_db import ImportReport, database_path, import_paths, update_feeds


def database_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` and ``--config``, shared by every command that opens the database."""
    function = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="Config file [default: .kubeguard.yaml if present].",
    )(function)
    return click.option(
        "--db",
        "database",
        type=click.Path(dir_okay=False),
        help="Vulnerability database file [env: KUBEGUARD_DB; default: in the user's data folder].",
    )(function)


@click.group()
def db() -> None:
    """The local vulnerability database: import advisories, update feeds, show status."""


@db.command("import", epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@database_option
def import_command(paths: tuple[str, ...], database: str | None, config_path: str | None) -> int:
    """Import OSV records (JSON/YAML files, folders, zips), Alpine secdb files and the Debian
    security tracker dump.

    \b
    Examples:
      kubeguard db import ./osv-export/ PyPI-all.zip
      kubeguard db import alpine-v3.19-main.json debian-tracker.json
    """
    path = database_path(database, load_config(config_path))
    with AdvisoryDatabase(path) as opened:
        report = import_paths(opened, paths, on_problem=_warn)
    return _summarise(report, path)


@db.command("update", epilog=EXIT_CODES_HELP)
@database_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for a feed to connect or answer.",
)
def update_command(database: str | None, config_path: str | None, timeout: float) -> int:
    """Fetch the feeds listed under vulnerability_db.feeds in the config file and import them."""
    config = load_config(config_path)
    feeds = config.vulnerability_db.feeds
    if not feeds:
        raise click.UsageError(
            "no feeds configured: list URLs under vulnerability_db.feeds in .kubeguard.yaml"
        )
    path = database_path(database, config)
    with AdvisoryDatabase(path) as opened:
        report = update_feeds(opened, feeds, timeout=timeout, on_problem=_warn)
    return _summarise(report, path)


@db.command("status")
@database_option
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in StatusFormat]),
    default=StatusFormat.TABLE.value,
    show_default=True,
)
def status_command(database: str | None, config_path: str | None, output_format: str) -> int:
    """Show the database's age, sources and counts."""
    path = database_path(database, load_config(config_path))
    with AdvisoryDatabase(path, create=False) as opened:
        status = opened.status()
    click.echo(render_status(status, StatusFormat(output_format)), nl=False)
    return ExitCode.CLEAN


def _warn(problem: SourceError) -> None:
    click.echo(f"kubeguard: warning: {problem}", err=True)


def _summarise(report: ImportReport, path: Path) -> int:
    for source in report.sources:
        click.echo(
            f"{source.location}: {source.advisories} advisories imported, "
            f"{source.problems} problems"
        )
    click.echo(f"{report.advisories} advisories in {len(report.sources)} sources into {path}")
    if report.failed or report.problems:
        return ExitCode.INCOMPLETE
    return ExitCode.CLEAN
