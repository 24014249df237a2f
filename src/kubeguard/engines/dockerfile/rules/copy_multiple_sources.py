"""``COPY`` with several sources copies into a folder (the destination ends with ``/``).

With more than one source the destination must be a folder, written with a trailing ``/``;
otherwise the builder refuses the instruction. The slash also tells readers that the files land
inside the folder rather than replacing a file of that name.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-012",
    title="COPY with several sources ends the destination with /",
    severity=Severity.LOW,
    remediation="End the destination with a slash: COPY a b /app/.",
    refs={"hadolint": "DL3021", "trivy": "DS011"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.doc.instructions:
        if instruction.keyword != "COPY" or len(instruction.words) < 3:
            continue
        destination = instruction.words[-1]
        if "$" not in destination and not destination.endswith(("/", "\\")):
            yield Violation(
                instruction,
                f"COPY has {len(instruction.words) - 1} sources but {destination} does not end "
                "with /",
                value=destination,
            )
