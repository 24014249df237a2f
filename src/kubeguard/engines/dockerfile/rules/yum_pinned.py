"""``yum install`` pins package versions.

An unpinned ``yum install`` installs whatever the repositories hold on build day; rebuilds then
change packages without any change to the Dockerfile. ``httpd-2.4.57`` pins the version.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import YUM, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-050",
    title="yum install pins versions",
    severity=Severity.LOW,
    remediation="Name versions: yum install -y <package>-<version>.",
    refs={"hadolint": "DL3033"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, YUM)
