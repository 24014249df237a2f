"""``pip install`` pins package versions.

An unpinned ``pip install`` takes the newest release on PyPI at build time: a new major
version, or a malicious release of a hijacked package, reaches the image with no change in the
repository. Installs from a requirements or constraints file (``-r``, ``-c``), from local paths
and from version-control URLs are accepted.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import PIP, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_FROM_FILES = ("-r", "--requirement", "-c", "--constraint")


@rule(
    id="KG-DF-042",
    title="pip install pins versions",
    severity=Severity.LOW,
    remediation="Name versions (pip install <package>==<version>) or install from a requirements or constraints file.",
    refs={"hadolint": "DL3013"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(
        dockerfile, PIP, exempt=lambda command: command.has_option(*_FROM_FILES)
    )
