"""Scripts use ``apt-get``, not ``apt``.

``apt`` is the interactive front end: its output format and behaviour may change between
releases and it warns that it "does not have a stable CLI interface". ``apt-get`` and
``apt-cache`` are the stable tools for scripts.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-033",
    title="Scripts use apt-get, not apt",
    severity=Severity.LOW,
    remediation="Replace apt with apt-get (or apt-cache for searches).",
    refs={"hadolint": "DL3027"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        apt = next((c for c in run.named("apt") if c.arguments), None)
        if apt is not None:
            yield Violation(run.instruction, f"apt {apt.arguments[0]} in a script", value="apt")
