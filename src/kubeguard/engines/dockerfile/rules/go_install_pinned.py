"""``go install`` pins module versions.

``go install example.com/tool`` (or ``@latest``) builds whatever the module's newest version
is at build time. ``@v1.2.3`` (or a commit) pins it, and the Go checksum database then
guarantees the content. Local packages (``./cmd/...``) are accepted.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import GO, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-046",
    title="go install pins versions",
    severity=Severity.LOW,
    remediation="Name a version: go install <module>/cmd/tool@v1.2.3.",
    refs={"hadolint": "DL3062"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, GO)
