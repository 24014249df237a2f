"""``ONBUILD`` does not carry ``ONBUILD``, ``FROM`` or ``MAINTAINER``.

An ``ONBUILD`` trigger runs in the build of an image based on this one; chaining ``ONBUILD``,
starting a new stage with ``FROM`` or setting ``MAINTAINER`` there is refused by the builder,
so every downstream build would fail.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_FORBIDDEN = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


@rule(
    id="KG-DF-024",
    title="ONBUILD carries only allowed instructions",
    severity=Severity.MEDIUM,
    remediation="Remove the ONBUILD, or trigger an allowed instruction.",
    refs={"hadolint": "DL3043"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.doc.instructions:
        trigger = instruction.trigger
        if instruction.keyword == "ONBUILD" and trigger and trigger.keyword in _FORBIDDEN:
            yield Violation(
                instruction, f"ONBUILD {trigger.keyword} is not allowed", value=trigger.keyword
            )
