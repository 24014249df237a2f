"""``dnf install`` pins package versions.

An unpinned ``dnf install`` (or ``microdnf install``) installs whatever the repositories hold on
build day; rebuilds then change packages without any change to the Dockerfile.
``python3-3.11.6`` pins the version.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import DNF, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-053",
    title="dnf install pins versions",
    severity=Severity.LOW,
    remediation="Name versions: dnf install -y <package>-<version>.",
    refs={"hadolint": "DL3041"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, DNF)
