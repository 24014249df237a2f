"""``npm install <package>`` pins versions.

``npm install express`` takes the newest release at build time, and npm packages have been
hijacked and republished with malware more than once. ``express@4.19.2``, a Git URL with a
commit, a tarball or ``npm ci`` from a lockfile pin what goes into the image; ``@latest`` does
not.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import NPM, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-044",
    title="npm install pins versions",
    severity=Severity.LOW,
    remediation="Name versions (npm install <package>@<version>) or install from package-lock.json with npm ci.",
    refs={"hadolint": "DL3016"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(dockerfile, NPM)
