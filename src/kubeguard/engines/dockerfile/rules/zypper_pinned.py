"""``zypper install`` pins package versions.

An unpinned ``zypper install`` installs whatever the repositories hold on build day; rebuilds
then change packages without any change to the Dockerfile. ``curl=8.0.1`` (or ``curl>=8``)
names the version.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import ZYPPER, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-057",
    title="zypper install pins versions",
    severity=Severity.LOW,
    remediation="Name versions: zypper install -y <package>=<version>.",
    refs={"hadolint": "DL3037"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, ZYPPER)
