"""A stage has at most one ``HEALTHCHECK``.

Only the last ``HEALTHCHECK`` of a stage takes effect; the earlier ones are dead code that
readers take for the real check.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-017",
    title="One HEALTHCHECK per stage",
    severity=Severity.LOW,
    remediation="Keep only the HEALTHCHECK that should apply.",
    refs={"hadolint": "DL3012", "trivy": "DS023"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for later, first in dockerfile.repeated("HEALTHCHECK"):
        yield Violation(later, f"another HEALTHCHECK overrides the one at line {first.line}")
