"""Stage names are unique.

The builder compares stage names case-insensitively and refuses a Dockerfile that names two
stages alike (``AS build`` and ``AS Build``); even where a tool accepts it, ``COPY --from`` and
``--target`` could then mean either stage.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-006",
    title="Stage names are unique",
    severity=Severity.MEDIUM,
    remediation="Give every stage its own name.",
    refs={"hadolint": "DL3024", "trivy": "DS012"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    first_line: dict[str, int] = {}
    for stage in dockerfile.doc.stages:
        if stage.key is None:
            continue
        if stage.key in first_line:
            yield Violation(
                stage.from_instruction,
                f"stage name {stage.name} is already used at line {first_line[stage.key]}",
                value=stage.name,
            )
        else:
            first_line[stage.key] = stage.line
