"""Base images are pinned to a tag or digest.

``FROM ubuntu`` means ``ubuntu:latest``: whatever the registry serves on the day of the build.
Two builds of the same Dockerfile then differ, a rebuild can pull in a new major version, and
nobody can tell which base a running image was built on. A digest (``@sha256:…``) pins the
exact image; a version tag at least pins the release line. ``scratch`` and references to
earlier stages are not images and are exempt.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-002",
    title="Base images are tagged",
    severity=Severity.MEDIUM,
    remediation="Name a version tag or, better, a digest: FROM debian:12.5 or "
    "FROM debian@sha256:<digest>.",
    refs={"hadolint": "DL3006", "trivy": "DS001"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage, image in dockerfile.base_images():
        if not image.pinned:
            yield Violation(
                stage.from_instruction,
                f"base image {stage.base} has no tag: it means {stage.base}:latest",
                value=stage.base,
            )
