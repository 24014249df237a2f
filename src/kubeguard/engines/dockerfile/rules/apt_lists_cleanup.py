"""``apt-get update`` cleans the package lists in the same ``RUN``.

``apt-get update`` downloads tens of megabytes of package lists into ``/var/lib/apt/lists``;
unless the same ``RUN`` deletes them they stay in the layer for good, and stale lists in the
image mislead later ``apt-get install`` runs. A cache mount over the folder also keeps them out.
Stages that are not part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APT_GET, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-038",
    title="apt-get update cleans the package lists",
    severity=Severity.LOW,
    remediation="End the RUN with && rm -rf /var/lib/apt/lists/*.",
    refs={"hadolint": "DL3009"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, APT_GET, triggers=frozenset({"update"}))
