"""Base images are not tagged ``latest``.

``latest`` is a moving tag: it names a different image after every upstream release, so builds
are not reproducible and a rebuild silently changes the operating system or runtime under the
application. A digest next to the tag (``:latest@sha256:…``) pins the image and is accepted.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-003",
    title="Base images are not tagged latest",
    severity=Severity.MEDIUM,
    remediation="Replace :latest with a version tag or a digest.",
    refs={"hadolint": "DL3007", "trivy": "DS001"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage, image in dockerfile.base_images():
        if image.tag == "latest" and image.digest is None:
            yield Violation(
                stage.from_instruction, f"base image {stage.base} uses latest", value=stage.base
            )
