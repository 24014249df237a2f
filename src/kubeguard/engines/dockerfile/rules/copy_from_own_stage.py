"""``COPY --from`` does not name the stage it is in.

A stage cannot copy from itself: the builder rejects the reference as a cycle. The usual cause
is a copy-pasted ``COPY --from`` that should name the stage before.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-008",
    title="COPY --from does not name its own stage",
    severity=Severity.MEDIUM,
    remediation="Copy from the stage that builds the files, not from the current one.",
    refs={"hadolint": "DL3023", "trivy": "DS006"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage in dockerfile.doc.stages:
        own = {str(stage.index)} | ({stage.key} if stage.key else set())
        for instruction in stage.of("COPY"):
            source = instruction.flag("from")
            if source is not None and source.lower() in own:
                yield Violation(
                    instruction,
                    f"COPY --from={source} names the stage it is in",
                    value=source,
                )
