"""``kubeguard rbac``: RBAC questions over manifests (files, folders, stdin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.model import Finding
from kubeguard.rbac_query import (
    Inputs,
    Question,
    RbacResult,
    can_query,
    paths_query,
    subject_query,
    who_can_query,
)
from kubeguard.report.rbac import (
    RbacFormat,
    render_can,
    render_paths,
    render_subject,
    render_who_can,
)

F = TypeVar("F", bound=Callable[..., Any])
Answer = TypeVar("Answer")

QUERY_EXIT_CODES = """\b
Exit codes:
  0  answered
  2  usage error: an unknown resource type or a malformed subject
  3  an input could not be read (no answer is given)
"""

CAN_EXIT_CODES = """\b
Exit codes (like `kubectl auth can-i`):
  0  allowed
  1  denied
  2  usage error: an unknown resource type or a malformed subject
  3  an input could not be read (no answer is given)
"""

PATHS_EXIT_CODES = """\b
Exit codes:
  0  no escalation path
  1  some subject can escalate to cluster-admin power
  3  an input could not be read (no answer is given)
"""


def _paths(function: F) -> F:
    return click.argument("paths", nargs=-1, required=True, metavar="PATH...")(function)


def _format(function: F) -> F:
    return click.option(
        "-f",
        "--format",
        "output_format",
        type=click.Choice([f.value for f in RbacFormat]),
        default=RbacFormat.TABLE.value,
        show_default=True,
        help="Output format.",
    )(function)


def _request_options(function: F) -> F:
    """``-n``, ``--api-group`` and ``--name``: where and on what the request is made."""
    function = click.option(
        "--name", default="", help="Name of the object (requests on one object, e.g. get)."
    )(function)
    function = click.option(
        "--api-group",
        metavar="GROUP",
        help="API group of RESOURCE, for resources neither built in nor defined by a CRD.",
    )(function)
    return click.option(
        "-n", "--namespace", default="", help="Namespace of the request [default: cluster-wide]."
    )(function)


@click.group()
def rbac() -> None:
    """RBAC as the API server evaluates it: who can do what, and how far it leads."""


@rbac.command("who-can", epilog=QUERY_EXIT_CODES)
@click.argument("verb")
@click.argument("resource")
@_paths
@_request_options
@click.option(
    "-A",
    "--all-namespaces",
    "cluster_wide",
    is_flag=True,
    help="Ask about a request across all namespaces, which only ClusterRoleBindings allow.",
)
@_format
def who_can(
    verb: str,
    resource: str,
    paths: tuple[str, ...],
    namespace: str,
    api_group: str | None,
    name: str,
    cluster_wide: bool,
    output_format: str,
) -> int:
    """Who may VERB RESOURCE, and through which binding, role and rule.

    RESOURCE is a resource as kubectl names it (pods, deploy, deployments.apps, pods/exec) or a
    non-resource URL (/metrics). With -n, the answer is exact for that namespace; without it,
    every RoleBinding counts in its own namespace and every ClusterRoleBinding everywhere.

    \b
    Examples:
      kubeguard rbac who-can create pods -n payments k8s/
      kubeguard rbac who-can get secrets -A cluster-dump/ --format json
    """
    question = Question(verb, resource, namespace, api_group, name)
    any_namespace = not namespace and not cluster_wide
    result = who_can_query(Inputs(paths), question, any_namespace=any_namespace)
    return _show(result, lambda answer: render_who_can(answer, RbacFormat(output_format)))


@rbac.command(epilog=CAN_EXIT_CODES)
@click.argument("subject")
@click.argument("verb")
@click.argument("resource")
@_paths
@_request_options
@_format
def can(
    subject: str,
    verb: str,
    resource: str,
    paths: tuple[str, ...],
    namespace: str,
    api_group: str | None,
    name: str,
    output_format: str,
) -> int:
    """May SUBJECT VERB RESOURCE? Like kubectl auth can-i --as, over manifests.

    Without -n the request is across all namespaces, which only ClusterRoleBindings allow.
    SUBJECT is user:NAME, group:NAME, serviceaccount:NAMESPACE/NAME or
    system:serviceaccount:NAMESPACE:NAME; a bare name is a user.

    \b
    Examples:
      kubeguard rbac can system:serviceaccount:ci:deployer create deployments -n shop k8s/
      kubeguard rbac can group:developers get secrets -n payments k8s/ --format json
    """
    result = can_query(Inputs(paths), subject, Question(verb, resource, namespace, api_group, name))
    return _show(
        result,
        lambda answer: render_can(answer, RbacFormat(output_format)),
        lambda answer: ExitCode.CLEAN if answer.allowed else ExitCode.FINDINGS,
    )


@rbac.command(epilog=QUERY_EXIT_CODES)
@click.argument("subject")
@_paths
@_format
def subject(subject: str, paths: tuple[str, ...], output_format: str) -> int:
    """Everything SUBJECT may do, the risky parts marked, and its shortest escalation path.

    Permissions from the groups the subject is in (system:authenticated, the groups of a
    ServiceAccount) are included. SUBJECT is user:NAME, group:NAME,
    serviceaccount:NAMESPACE/NAME or system:serviceaccount:NAMESPACE:NAME; a bare name is a user.

    \b
    Examples:
      kubeguard rbac subject system:serviceaccount:ci:deployer k8s/
      kubeguard rbac subject group:developers cluster-dump/ --format json
    """
    result = subject_query(Inputs(paths), subject)
    return _show(result, lambda answer: render_subject(answer, RbacFormat(output_format)))


@rbac.command(epilog=PATHS_EXIT_CODES)
@_paths
@_format
def paths(paths: tuple[str, ...], output_format: str) -> int:
    """Privilege-escalation paths to cluster-admin power, shortest first.

    One path per subject and binding it starts from, each step with the binding and rule that
    allow it: pod and workload creation, exec, token creation, impersonation, bind and escalate,
    reading token Secrets, and group membership.

    \b
    Examples:
      kubeguard rbac paths k8s/
      kubeguard rbac paths cluster-dump/ --format json
    """
    return _show(
        paths_query(Inputs(paths)),
        lambda answer: render_paths(answer, RbacFormat(output_format)),
        lambda answer: ExitCode.FINDINGS if answer else ExitCode.CLEAN,
    )


def _show(
    result: RbacResult[Answer],
    render: Callable[[Answer], str],
    exit_code: Callable[[Answer], int] = lambda _: ExitCode.CLEAN,
) -> int:
    """Print the answer and return its exit code, or report the unreadable inputs."""
    if result.answer is None:
        return _input_errors(result.errors)
    click.echo(render(result.answer), nl=False)
    return exit_code(result.answer)


def _input_errors(errors: tuple[Finding, ...]) -> int:
    for error in errors:
        click.echo(f"kubeguard: error: {error.location}: {error.message}", err=True)
    return ExitCode.INCOMPLETE
