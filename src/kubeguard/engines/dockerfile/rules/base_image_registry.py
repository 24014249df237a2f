"""Base images come from trusted registries.

When a list of trusted registries is configured (``allowed_registries`` in ``.kubeguard.yaml``
or ``trustedRegistries`` in a hadolint configuration file), every base image must come from one
of them. Pulling from an arbitrary registry bypasses the scanning, signing and mirroring a
platform team puts in front of its own registry, and typosquatted images live elsewhere.
Entries may use ``*`` wildcards (``*.dkr.ecr.eu-west-1.amazonaws.com``); without a list the rule
passes.
"""

from collections.abc import Iterator
from fnmatch import fnmatchcase

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-004",
    title="Base images come from trusted registries",
    severity=Severity.MEDIUM,
    remediation="Pull base images through a trusted registry (an ECR pull-through cache, for "
    "instance) or add the registry to the trusted list.",
    refs={"hadolint": "DL3026", "cis-docker": "4.2"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    trusted = dockerfile.settings.trusted_registries
    if not trusted:
        return
    for stage, image in dockerfile.base_images():
        registry = image.registry
        if not any(fnmatchcase(registry, pattern.lower()) for pattern in trusted):
            yield Violation(
                stage.from_instruction,
                f"base image {stage.base} comes from {registry}, which is not trusted",
                value=registry,
            )
