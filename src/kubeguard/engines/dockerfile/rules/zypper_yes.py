"""``zypper`` runs non-interactively (``-n`` or ``-y``).

Without ``--non-interactive`` (``-n``) or ``--no-confirm`` (``-y``) zypper asks before
installing, removing or patching; a build has no terminal to answer, so the step fails.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import ZYPPER, prompting_installs
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-054",
    title="zypper runs non-interactively",
    severity=Severity.LOW,
    remediation="Add -n (--non-interactive) or -y: zypper -n install <package>=<version>.",
    refs={"hadolint": "DL3034"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return prompting_installs(dockerfile, ZYPPER)
