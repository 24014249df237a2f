"""Images do not run ``zypper dist-upgrade``.

``zypper dist-upgrade`` (``dup``) may switch the whole distribution to another release, remove
packages and change vendors: the image stops being the tested base it was built on, and what it
becomes depends on the day of the build. Use a newer base image instead.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import ZYPPER
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-055",
    title="No zypper dist-upgrade",
    severity=Severity.LOW,
    remediation="Move to a newer base image instead of upgrading the distribution in the build.",
    refs={"hadolint": "DL3035"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run, command in dockerfile.commands(*ZYPPER.programs):
        subcommand, _ = ZYPPER.subcommand(command)
        if subcommand in ("dist-upgrade", "dup"):
            yield Violation(run.instruction, f"zypper {subcommand}", value=subcommand)
