"""``kubeguard detect serve``: receive the API server's audit webhook batches and detect threats.

The flags override the matching fields of ``--config`` (docs/detect-serve.md documents the
file). The server and its spool are imported only when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.report import OutputFormat

if TYPE_CHECKING:
    from kubeguard.webhook.pipeline import Recovery

SERVE_EXIT_CODES = """\b
Exit codes:
  0  stopped by SIGTERM or SIGINT after processing every stored batch
  2  usage or configuration error (no certificate, no authentication, bad rules …)
  3  the detector failed; stored batches stay in the spool for the next start
"""


def _absolute(value: str | None) -> str | None:
    """Flags name paths relative to the working folder, the file relative to itself."""
    return str(Path(value).resolve()) if value else None


@click.command(name="serve", epilog=SERVE_EXIT_CODES)
@click.option(
    "-c",
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False),
    help="detect.yaml (see docs/detect-serve.md).",
)
@click.option(
    "--listen", metavar="HOST:PORT", help="Address to listen on [default: 127.0.0.1:8443]."
)
@click.option(
    "--cert", type=click.Path(exists=True, dir_okay=False), help="Server certificate (PEM)."
)
@click.option(
    "--key", type=click.Path(exists=True, dir_okay=False), help="Server private key (PEM)."
)
@click.option(
    "--client-ca",
    type=click.Path(exists=True, dir_okay=False),
    help="Accept client certificates signed by this CA (mTLS).",
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Accept this bearer token (the file's content).",
)
@click.option("--spool", type=click.Path(file_okay=False), help="Spool folder.")
@click.option("--jsonl", type=click.Path(dir_okay=False), help="Append findings to this file.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Write findings to stdout as JSON lines.")
@click.option(
    "--report", type=click.Path(dir_okay=False), help="Write a report here when stopping."
)
@click.option(
    "--report-format",
    type=click.Choice([f.value for f in OutputFormat]),
    help="Format of --report [default: json].",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="User rule file or folder, loaded after the built-in rules (repeatable).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def serve_command(
    config_file: str | None,
    listen: str | None,
    cert: str | None,
    key: str | None,
    client_ca: str | None,
    token_file: str | None,
    spool: str | None,
    jsonl: str | None,
    to_stdout: bool,
    report: str | None,
    report_format: str | None,
    rule_paths: tuple[str, ...],
    debug: bool,
) -> int:
    """Receive audit events from the API server's webhook backend over HTTPS and detect threats.

    Every accepted batch is on disk (the spool) before the API server gets its 200 OK; the
    detector works through the spool and, after a crash, continues from its last commit, so
    no acknowledged event is lost or evaluated twice.

    \b
    Examples:
      kubeguard detect serve --config detect.yaml
      kubeguard detect serve --cert tls.crt --key tls.key --token-file token \\
          --spool /var/lib/kubeguard/spool --jsonl findings.jsonl
    """
    del debug  # read by the error boundary in main
    from kubeguard.webhook import load_serve_config, serve

    overrides: dict[str, Any] = {
        "listen": listen,
        "tls.cert": _absolute(cert),
        "tls.key": _absolute(key),
        "tls.client_ca": _absolute(client_ca),
        "spool.dir": _absolute(spool),
        "outputs.jsonl": _absolute(jsonl),
        "outputs.stdout": True if to_stdout else None,
        "outputs.report": _absolute(report),
        "outputs.report_format": report_format,
        "detection.rules": [_absolute(path) for path in rule_paths] or None,
        "auth.tokens": [{"name": "token-file", "file": _absolute(token_file)}]
        if token_file
        else None,
    }
    config = load_serve_config(config_file, overrides)
    summary = serve(config, on_ready=_ready)
    counters = summary.counters
    click.echo(
        f"kubeguard: stopped: {counters.get('events_accepted', 0)} events accepted, "
        f"{counters.get('events_processed', 0)} processed in all, "
        f"{counters.get('findings', 0)} findings in all",
        err=True,
    )
    return ExitCode.INCOMPLETE if summary.detector_failed else ExitCode.CLEAN


def _ready(url: str, recovery: Recovery) -> None:
    replay = (
        f"; replaying {recovery.replay_records} stored batches" if recovery.replay_records else ""
    )
    click.echo(f"kubeguard: listening on {url}{replay}", err=True)
