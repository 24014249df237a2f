"""``FROM --platform`` is not fixed to one platform.

A hard-coded ``--platform=linux/amd64`` makes every build of the image use that platform, so a
multi-platform build or a build on an arm64 (Graviton) node produces an image for the wrong
architecture, run under emulation or not at all. ``--platform=$BUILDPLATFORM`` (cross
compilation) and ``$TARGETPLATFORM`` are what multi-platform builds need and are accepted.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-005",
    title="FROM --platform is not fixed to one platform",
    severity=Severity.INFO,
    remediation="Drop --platform and choose the platform at build time (docker buildx build "
    "--platform ...), or use $BUILDPLATFORM for cross-compiling stages.",
    refs={"hadolint": "DL3029"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage in dockerfile.doc.stages:
        instruction = stage.from_instruction
        platform = instruction.flag("platform")
        if platform and "$" not in platform:
            yield Violation(instruction, f"FROM is fixed to platform {platform}", value=platform)
