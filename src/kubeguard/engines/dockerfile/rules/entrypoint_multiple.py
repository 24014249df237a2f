"""A stage has at most one ``ENTRYPOINT``.

Only the last ``ENTRYPOINT`` of a stage takes effect; an earlier one, often a wrapper that drops
privileges or sets up signals, silently does nothing.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-019",
    title="One ENTRYPOINT per stage",
    severity=Severity.LOW,
    remediation="Keep only the ENTRYPOINT that should apply.",
    refs={"hadolint": "DL4004", "trivy": "DS007"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for later, first in dockerfile.repeated("ENTRYPOINT"):
        yield Violation(later, f"another ENTRYPOINT overrides the one at line {first.line}")
