"""A Dockerfile uses ``curl`` or ``wget``, not both.

Each download tool adds its own binary, libraries and vulnerabilities to the image; two tools
that do the same job double that surface for nothing.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-030",
    title="curl or wget, not both",
    severity=Severity.INFO,
    remediation="Pick one download tool for every RUN.",
    refs={"hadolint": "DL4001", "trivy": "DS014"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    first: dict[str, int] = {}
    for run in dockerfile.runs:
        for name in ("curl", "wget"):
            if name not in first and run.named(name):
                first[name] = run.instruction.line
                other = "wget" if name == "curl" else "curl"
                if other in first:
                    yield Violation(
                        run.instruction,
                        f"{name} is used, and {other} already at line {first[other]}",
                        value=name,
                    )
