"""Entry point and the error boundary: one line per error, tracebacks only with ``--debug``."""

from __future__ import annotations

import sys

import click

from kubeguard import __version__
from kubeguard.cli.controls_command import controls
from kubeguard.cli.db_command import db
from kubeguard.cli.detect_command import detect
from kubeguard.cli.dockerfile_command import dockerfile
from kubeguard.cli.exit_codes import EXIT_CODES_HELP, ExitCode
from kubeguard.cli.image_command import image
from kubeguard.cli.image_scan_command import rescan_image, scan_image
from kubeguard.cli.netpol_command import netpol
from kubeguard.cli.rbac_command import rbac
from kubeguard.cli.scan_command import scan
from kubeguard.model import KubeguardError

#: Help is laid out for 100 columns whatever the terminal, so the README can quote it exactly.
HELP_WIDTH = 100


@click.group(
    epilog=EXIT_CODES_HELP,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "terminal_width": HELP_WIDTH,
        "max_content_width": HELP_WIDTH,
    },
)
@click.version_option(__version__, prog_name="kubeguard")
def cli() -> None:
    """Security posture for Kubernetes and Amazon EKS."""


cli.add_command(scan)
cli.add_command(controls)
cli.add_command(image)
image.add_command(scan_image)
image.add_command(rescan_image)
cli.add_command(db)
cli.add_command(dockerfile)
cli.add_command(netpol)
cli.add_command(rbac)
cli.add_command(detect)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising SystemExit."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        result = cli.main(args=argv, prog_name="kubeguard", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return ExitCode.USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        return ExitCode.USAGE
    except KubeguardError as error:
        if debug:
            raise
        click.echo(f"kubeguard: error: {error}", err=True)
        return ExitCode.USAGE
    return int(result) if isinstance(result, int) else ExitCode.CLEAN


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
