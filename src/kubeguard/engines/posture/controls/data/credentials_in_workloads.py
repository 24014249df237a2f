"""Workload specs carry no credentials in clear: not in env values, arguments or annotations.

Manifests travel: into Git, CI logs, Helm release history, the ``last-applied-configuration``
annotation and the API objects that anyone allowed to ``get`` the workload can read. A token,
key or password written into a container's command line, an environment value or an
annotation is exposed in all of those places, and Secret RBAC protects none of them. Command-line
arguments are also visible to every process on the node through ``ps``.

Searched: ``env[].value`` of every container (values of variables with sensitive names are
KG-DATA-007's), ``command`` and ``args`` (including ``--password hunter2`` spread over two
words), and the annotations of the object and of its pod template, including the
``last-applied-configuration`` copy of the whole object. Recognised are well-known credential
formats (AWS access keys, private keys, GitHub and Slack tokens, JWTs, passwords in URLs) and
assignments to sensitive names (``password=…``); see ``credentials`` for the exact rules. A
credential is reported once per object, and only by its kind, a fixed prefix and its length.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.credential_scan import Found, in_annotations, in_text, reported
from kubeguard.engines.posture.credentials import (
    credential_of,
    flag_values,
    literal_value,
    sensitive_name,
)
from kubeguard.engines.posture.env import env_vars
from kubeguard.engines.posture.views import ContainerView, WorkloadView, as_list
from kubeguard.model import Severity


@control(
    id="KG-DATA-010",
    title="Workload specs carry no credentials in clear text",
    severity=Severity.HIGH,
    remediation=(
        "Remove the credential from the manifest, rotate it, and pass it through a Secret "
        "mounted as a file (or an external secret store)."
    ),
    refs={"kubescape": "C-0012", "mitre": "T1552.001"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from reported(_found(workload))


def _found(workload: WorkloadView) -> Iterator[Found]:
    for container in workload.containers():
        yield from _in_env(container)
        yield from _in_command(container)
    if workload.is_template:
        yield from in_annotations(workload.pod_annotations, (*workload.meta_path, "annotations"))
    yield from in_annotations(workload.obj.annotations, ("metadata", "annotations"))


def _in_env(container: ContainerView) -> Iterator[Found]:
    for variable in env_vars(container):
        value = variable.value
        if value is None or (sensitive_name(variable.name) and literal_value(value)):
            continue
        where = f"env {variable.name} of {container.label}"
        yield from in_text(value, container.path("env", variable.index, "value"), where)


def _in_command(container: ContainerView) -> Iterator[Found]:
    for field in ("command", "args"):
        words = as_list(container.field(field))
        texts = [word if isinstance(word, str) else "" for word in words]
        for index, text in enumerate(texts):
            yield from in_text(text, container.path(field, index), f"{field} of {container.label}")
        for index, flag in flag_values(texts):
            yield Found(
                container.path(field, index),
                f"{field} of {container.label}",
                credential_of(f"value of flag --{flag}", texts[index]),
            )
