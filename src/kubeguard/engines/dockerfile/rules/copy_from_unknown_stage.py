"""``COPY --from`` names a stage defined before it.

``COPY --from=<name>`` copies from an earlier stage; a name that no earlier stage has is taken
as an image and pulled from a registry instead: a typo in a stage name then copies files out of
whatever image of that name exists, with no error. References that are plainly images (with a
registry, a path, a tag or a digest) are accepted, and so is a stage index below the current
stage.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-007",
    title="COPY --from names an earlier stage",
    severity=Severity.MEDIUM,
    remediation="Name a stage defined above (FROM ... AS <name>) or write the full image "
    "reference with its tag.",
    refs={"hadolint": "DL3022"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    stages = dockerfile.doc.stages
    for stage in stages:
        earlier = {s.key for s in stages[: stage.index]} | {str(i) for i in range(stage.index)}
        later = {s.key: s.line for s in stages[stage.index + 1 :] if s.key}
        for instruction in stage.of("COPY"):
            source = instruction.flag("from")
            if not source or "$" in source:
                continue
            key = source.lower()
            if key in earlier or key in (stage.key, str(stage.index)) or _is_image(source):
                continue
            if key in later:
                message = (
                    f"COPY --from={source} names a stage defined only later, at line {later[key]}"
                )
            elif key.isdigit():
                message = f"COPY --from={source}: there is no stage {source} before this one"
            else:
                message = (
                    f"COPY --from={source} names no earlier stage: the builder pulls an image "
                    f"called {source} instead"
                )
            yield Violation(instruction, message, value=source)


def _is_image(reference: str) -> bool:
    return any(mark in reference for mark in "/:@.")
