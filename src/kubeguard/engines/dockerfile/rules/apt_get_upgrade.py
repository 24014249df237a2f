"""Images do not run ``apt-get upgrade`` or ``dist-upgrade``.

Upgrading every package inside a build makes the result depend on the day it ran, swaps the
base image's tested package set for an untested mix, and ``dist-upgrade`` may remove packages
or move the release. Security fixes belong in a newer base image (rebuild on a patched tag or
digest) and in pinned upgrades of the packages that need them.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APT_GET
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade"})


@rule(
    id="KG-DF-035",
    title="No apt-get upgrade or dist-upgrade",
    severity=Severity.LOW,
    remediation="Move to a patched base image; upgrade single packages with install "
    "<package>=<version> if needed.",
    refs={"trivy": "DS024"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run, command in dockerfile.commands(*APT_GET.programs):
        subcommand, _ = APT_GET.subcommand(command)
        if subcommand in _UPGRADES:
            yield Violation(run.instruction, f"{command.name} {subcommand}", value=subcommand)
