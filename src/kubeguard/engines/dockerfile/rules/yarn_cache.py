"""``yarn install`` does not leave its cache in the image.

Yarn (v1) keeps a copy of every package it downloads in its cache folder; left in the image that
copy is as large as ``node_modules`` itself. ``yarn cache clean`` in the same ``RUN`` or a cache
mount keeps it out. Stages that are not part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import YARN, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-047",
    title="yarn install cleans its cache",
    severity=Severity.INFO,
    remediation="End the RUN with && yarn cache clean, or mount a build cache over the yarn cache folder.",
    refs={"hadolint": "DL3060"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, YARN)
