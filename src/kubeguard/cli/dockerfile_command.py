"""``kubeguard dockerfile``: lint Dockerfiles, list the Dockerfile rules."""

from __future__ import annotations

import click

from kubeguard.cli.exit_codes import EXIT_CODES_HELP
from kubeguard.cli.report_flags import ReportFlags, emit_report, report_options
from kubeguard.config import load_config
from kubeguard.dockerfile_lint import LintOptions, lint_dockerfiles
from kubeguard.engines.dockerfile import load_rules
from kubeguard.report.catalog import CatalogFormat, render_catalog


@click.group()
def dockerfile() -> None:
    """Dockerfile rules (hadolint's and Trivy's checks, with their ids)."""


@dockerfile.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@report_options
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file [default: .kubeguard.yaml if present].",
)
@click.option(
    "--hadolint-config",
    type=click.Path(dir_okay=False),
    help="hadolint config whose ignored rules to honour [default: where hadolint looks].",
)
@click.option(
    "--no-hadolint-config", is_flag=True, help="Do not look for a hadolint configuration file."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes for reading and checking (pays off on large trees only).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks; re-raise rule failures.")
def lint(
    paths: tuple[str, ...],
    report: ReportFlags,
    config_path: str | None,
    hadolint_config: str | None,
    no_hadolint_config: bool,
    jobs: int,
    debug: bool,
) -> int:
    """Check Dockerfiles (files, folders searched for Dockerfiles, or - for stdin).

    \b
    Ignore comments written for hadolint (# hadolint ignore=DL3008) and Trivy
    (# trivy:ignore:DS002), kubeguard's own (# kubeguard ignore=KG-DF-001), the hadolint
    config's ignored list and the exceptions of .kubeguard.yaml are honoured.

    \b
    Examples:
      kubeguard dockerfile lint Dockerfile build/*.Dockerfile
      kubeguard dockerfile lint . --format sarif -o dockerfiles.sarif --fail-on high
    """
    config = load_config(config_path)
    options = LintOptions(
        config=config,
        hadolint_config=hadolint_config,
        use_hadolint_config=not no_hadolint_config,
        workers=jobs,
        debug=debug,
    )
    return emit_report(lint_dockerfiles(paths, options), report, config.fail_on)


@dockerfile.command()
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in CatalogFormat]),
    default=CatalogFormat.TABLE.value,
    show_default=True,
)
def rules(output_format: str) -> int:
    """List the Dockerfile rules with their hadolint and Trivy ids."""
    infos = [rule.info for rule in load_rules()]
    click.echo(render_catalog(infos, CatalogFormat(output_format)), nl=False)
    return 0
