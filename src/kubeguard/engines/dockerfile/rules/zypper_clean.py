"""``zypper install`` cleans its cache in the same ``RUN``.

zypper keeps metadata and packages in ``/var/cache/zypp``; unless the same ``RUN`` runs
``zypper clean`` (or deletes the folder, or mounts a build cache over it), the layer keeps them.
Stages that are not part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import ZYPPER, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-056",
    title="zypper cleans its cache",
    severity=Severity.LOW,
    remediation="End the RUN with && zypper clean -a.",
    refs={"hadolint": "DL3036", "trivy": "DS020"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, ZYPPER)
