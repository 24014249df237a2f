"""``apk add`` pins package versions.

Without a version ``apk add`` installs whatever the Alpine branch holds on build day, so two
builds differ and a rebuild can change a library under the application. ``curl=8.5.0-r0`` (or
``curl~8.5`` for a release line) makes changes deliberate.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APK, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-040",
    title="apk add pins versions",
    severity=Severity.LOW,
    remediation="Name versions: apk add <package>=<version>.",
    refs={"hadolint": "DL3018"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, APK)
