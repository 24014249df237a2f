"""``MAINTAINER`` is not used.

``MAINTAINER`` has been deprecated since Docker 1.13; ``LABEL org.opencontainers.image.authors``
carries the same information in the standard place, where registries and scanners read it.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-021",
    title="MAINTAINER is not used",
    severity=Severity.INFO,
    remediation='Replace MAINTAINER with LABEL org.opencontainers.image.authors="...".',
    refs={"hadolint": "DL4000", "trivy": "DS022"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("MAINTAINER"):
        yield Violation(instruction, "MAINTAINER is deprecated")
