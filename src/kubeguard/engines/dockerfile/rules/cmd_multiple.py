"""A stage has at most one ``CMD``.

Only the last ``CMD`` of a stage takes effect; the earlier ones mislead readers about what the
container runs.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-018",
    title="One CMD per stage",
    severity=Severity.LOW,
    remediation="Keep only the CMD that should apply.",
    refs={"hadolint": "DL4003", "trivy": "DS016"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for later, first in dockerfile.repeated("CMD"):
        yield Violation(later, f"another CMD overrides the one at line {first.line}")
