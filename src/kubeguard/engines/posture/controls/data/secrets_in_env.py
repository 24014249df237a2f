"""Secrets reach containers as files, not environment variables.

A Secret exposed through ``env[].valueFrom.secretKeyRef`` or ``envFrom[].secretRef`` becomes part
of the process environment: every child process inherits it, it is readable from
``/proc/<pid>/environ`` by anything sharing the PID namespace, crash reporters and debug
endpoints dump it, and it cannot change without a restart. Mounted as a ``secret`` volume
(or through the Secrets Store CSI driver), it stays a file with its own permissions and is
refreshed in place.

Every ``secretKeyRef`` and every ``envFrom`` ``secretRef`` of every container is reported.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.env import env_from, env_vars
from kubeguard.engines.posture.views import WorkloadView, as_mapping, as_str
from kubeguard.model import Severity


@control(
    id="KG-DATA-006",
    title="Secrets are mounted as files, not exposed as environment variables",
    severity=Severity.MEDIUM,
    remediation=(
        "Mount the Secret as a volume (or through the Secrets Store CSI driver) and have the "
        "application read the file, instead of secretKeyRef or envFrom secretRef."
    ),
    refs={
        "cis-eks": "4.4.1",
        "kubescape": "C-0207",
        "checkov": "CKV_K8S_35",
        "hardeneks": "disallow_secrets_from_env_vars",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for variable in env_vars(container):
            reference = as_mapping(variable.value_from.get("secretKeyRef"))
            if reference:
                secret, key = as_str(reference.get("name")), as_str(reference.get("key"))
                yield Violation(
                    path=container.path("env", variable.index, "valueFrom", "secretKeyRef"),
                    message=(
                        f"{container.label} reads key {key!r} of Secret {secret!r} into "
                        f"environment variable {variable.name}"
                    ),
                    value=secret,
                )
        for index, source in env_from(container):
            reference = as_mapping(source.get("secretRef"))
            if reference:
                secret = as_str(reference.get("name"))
                yield Violation(
                    path=container.path("envFrom", index, "secretRef"),
                    message=(
                        f"{container.label} imports every key of Secret {secret!r} as "
                        "environment variables"
                    ),
                    value=secret,
                )
