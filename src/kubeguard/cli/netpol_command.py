"""``kubeguard netpol``: NetworkPolicy reachability over manifests (files, folders, stdin)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.model import Finding
from kubeguard.netpol_query import matrix_query, reach_query
from kubeguard.report.netpol import MatrixFormat, ReachFormat, render_matrix, render_reach

F = TypeVar("F", bound=Callable[..., Any])

REACH_EXIT_CODES = """\b
Exit codes (like `kubectl auth can-i`):
  0  allowed
  1  denied
  2  usage error, or an endpoint that names nothing in the inputs
  3  an input could not be read (no answer is given)
"""

MATRIX_EXIT_CODES = """\b
Exit codes:
  0  matrix written
  2  usage error, or a namespace without workloads
  3  an input could not be read (no matrix is given)
"""


def _format_option(formats: type[StrEnum]) -> Callable[[F], F]:
    """``-f/--format`` choosing among ``formats``, the first one by default."""
    return click.option(
        "-f",
        "--format",
        "output_format",
        type=click.Choice([f.value for f in formats]),
        default=next(iter(formats)).value,
        show_default=True,
        help="Output format.",
    )


@click.group()
def netpol() -> None:
    """NetworkPolicy reachability: who may open connections to whom."""


@netpol.command(epilog=REACH_EXIT_CODES)
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--port", required=True, metavar="N[/PROTO]", help="Port and protocol (TCP default).")
@_format_option(ReachFormat)
def reach(
    source: str, destination: str, paths: tuple[str, ...], port: str, output_format: str
) -> int:
    """May SRC open a connection to DST on a port? Names the policies that decide.

    SRC and DST are namespace/name (a Pod or workload; namespace/Kind/name when ambiguous),
    ip:ADDRESS for an address outside the cluster, or node:NAME.

    \b
    Examples:
      kubeguard netpol reach shop/storefront shop/orders --port 8080 k8s/
      kubeguard netpol reach shop/orders ip:169.254.169.254 --port 80/TCP k8s/ --format json
    """
    result = reach_query(paths, source, destination, port)
    if result.answer is None:
        return _input_errors(result.errors)
    click.echo(render_reach(result.answer, ReachFormat(output_format)), nl=False)
    return ExitCode.CLEAN if result.answer.allowed else ExitCode.FINDINGS


@netpol.command(epilog=MATRIX_EXIT_CODES)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-n", "--namespace", help="Only the workloads of this namespace [default: all].")
@_format_option(MatrixFormat)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write it here."
)
def matrix(
    paths: tuple[str, ...], namespace: str | None, output_format: str, output: str | None
) -> int:
    """Workload-to-workload matrix: the ports each workload may open to each other one.

    \b
    Examples:
      kubeguard netpol matrix -n payments k8s/
      kubeguard netpol matrix -n payments --format html -o reach.html k8s/
    """
    result = matrix_query(paths, namespace)
    if result.answer is None:
        return _input_errors(result.errors)
    text = render_matrix(result.answer, MatrixFormat(output_format))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return ExitCode.CLEAN


def _input_errors(errors: tuple[Finding, ...]) -> int:
    for error in errors:
        click.echo(f"kubeguard: error: {error.location}: {error.message}", err=True)
    return ExitCode.INCOMPLETE
