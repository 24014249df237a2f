"""A Dockerfile begins with ``FROM`` (only ``ARG`` may come before it).

Only ``ARG`` (and comments and parser directives) may precede the first ``FROM``; any other
instruction there has no stage to belong to and the builder refuses the file. A file without
any ``FROM`` builds nothing.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-009",
    title="Dockerfiles begin with FROM",
    severity=Severity.MEDIUM,
    remediation="Start the file with FROM; move everything but ARG below it.",
    refs={"hadolint": "DL3061"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    doc = dockerfile.doc
    for instruction in doc.instructions:
        if instruction.stage < 0 and instruction.keyword != "ARG":
            yield Violation(
                instruction,
                f"{instruction.keyword} comes before the first FROM",
                value=instruction.keyword,
            )
    if not doc.stages and doc.instructions:
        yield Violation(doc.instructions[0], "the file has no FROM instruction")
