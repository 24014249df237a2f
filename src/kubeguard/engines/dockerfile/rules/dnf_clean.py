"""``dnf`` and ``microdnf`` installs clean their cache in the same ``RUN``.

dnf keeps metadata and downloaded packages in ``/var/cache/dnf`` (``/var/cache/yum`` on older
releases); unless the same ``RUN`` runs ``dnf clean all`` (or ``microdnf clean all``), deletes
the folder or mounts a build cache over it, the layer keeps them. Stages that are not part of
the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import DNF, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-052",
    title="dnf install cleans its cache",
    severity=Severity.LOW,
    remediation="End the RUN with && dnf clean all (microdnf clean all for microdnf).",
    refs={"hadolint": "DL3040", "trivy": ("DS019", "DS027")},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, DNF)
