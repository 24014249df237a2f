"""``dnf`` runs non-interactively (``-y``).

Without ``-y`` (``--assumeyes``) ``dnf install``, ``upgrade`` and ``remove`` ask for
confirmation; a build has no terminal to answer, so the step fails. (``microdnf`` never asks.)
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import DNF, prompting_installs
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-051",
    title="dnf runs with -y",
    severity=Severity.LOW,
    remediation="Add -y: dnf install -y <package>-<version>.",
    refs={"hadolint": "DL3038"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return prompting_installs(dockerfile, DNF)
