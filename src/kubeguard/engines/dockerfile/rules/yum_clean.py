"""``yum install`` cleans its cache in the same ``RUN``.

yum keeps metadata and downloaded packages in ``/var/cache/yum``; unless the same ``RUN`` runs
``yum clean all`` (or deletes the folder, or mounts a build cache over it), the layer keeps them
for good. Stages that are not part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import YUM, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-049",
    title="yum install cleans its cache",
    severity=Severity.LOW,
    remediation="End the RUN with && yum clean all (or rm -rf /var/cache/yum).",
    refs={"hadolint": "DL3032", "trivy": "DS015"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, YUM)
