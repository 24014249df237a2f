"""Containers are not given secrets as literal environment values.

An environment variable whose name says it holds a secret (``DB_PASSWORD``, ``apiKey``,
``AWS_SECRET_ACCESS_KEY``, ``CLIENT_SECRET`` …) with the value written into the manifest puts that
secret in the manifest itself: in Git, in Helm release history, in the
``last-applied-configuration`` annotation, and in the object any ``get pods``/``get deployments``
reader sees; Secret RBAC protects none of these copies. Reference a Secret instead, best mounted as
a file (KG-DATA-006).

Names are judged by their last word or two (see ``credentials``); values that are references
(``$(OTHER_VAR)``), paths, booleans, numbers or placeholders such as ``<token>`` are not reported.
Findings never show the value, only its length.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.credentials import literal_value, masked, sensitive_name
from kubeguard.engines.posture.env import env_vars
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-DATA-007",
    title="Secrets are not written into environment variables",
    severity=Severity.HIGH,
    remediation=(
        "Move the value into a Secret (or an external secret store) and reference it; rotate the "
        "credential, since it has been stored in clear wherever the manifest went."
    ),
    refs={"kubescape": "C-0012", "polaris": "sensitiveContainerEnvVar", "mitre": "T1552.001"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for variable in env_vars(container):
            value = variable.value
            if value is None or not sensitive_name(variable.name) or not literal_value(value):
                continue
            yield Violation(
                path=container.path("env", variable.index, "value"),
                message=(
                    f"{container.label} sets {variable.name} to a literal value {masked(value)}"
                ),
                value=masked(value),
            )
