"""``apk add`` does not leave its index cache in the image.

``apk add`` keeps the package index in ``/var/cache/apk``; ``--no-cache`` fetches it to a
temporary place instead, which keeps the layer small and avoids shipping a stale index. Deleting
the cache in the same ``RUN`` or mounting a build cache over it works too. Stages that are not
part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APK, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-041",
    title="apk add uses --no-cache",
    severity=Severity.LOW,
    remediation="Use apk add --no-cache (it also makes apk update unnecessary).",
    refs={"hadolint": "DL3019", "trivy": "DS025"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, APK)
