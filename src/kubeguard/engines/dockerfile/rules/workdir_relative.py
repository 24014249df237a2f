"""``WORKDIR`` is an absolute path.

A relative ``WORKDIR`` is resolved against the previous one, which may come from the base image
and change with it; an absolute path says where files land whatever the base does.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_WINDOWS_ABSOLUTE = ("\\", "/")


@rule(
    id="KG-DF-022",
    title="WORKDIR is absolute",
    severity=Severity.LOW,
    remediation="Write the full path: WORKDIR /app.",
    refs={"hadolint": "DL3000", "trivy": "DS009"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage in dockerfile.doc.stages:
        windows = dockerfile.is_windows(stage)
        for instruction in stage.of("WORKDIR"):
            path = instruction.words[0] if instruction.words else ""
            if instruction.unresolved or not path or path.startswith("/"):
                continue
            if windows and (path.startswith(_WINDOWS_ABSOLUTE) or path[1:3] in (":\\", ":/")):
                continue
            yield Violation(instruction, f"WORKDIR {path} is relative", value=path)
