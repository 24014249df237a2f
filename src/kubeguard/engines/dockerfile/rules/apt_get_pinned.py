"""``apt-get install`` pins package versions.

An unpinned package is whatever the mirror holds on build day: builds are not reproducible and
a rebuild can change a library under the application. Pinning (``curl=7.88.1-10+deb12u5``)
makes version changes deliberate and visible in review.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APT_GET, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-037",
    title="apt-get install pins versions",
    severity=Severity.LOW,
    remediation="Name versions: apt-get install <package>=<version>.",
    refs={"hadolint": "DL3008"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, APT_GET)
