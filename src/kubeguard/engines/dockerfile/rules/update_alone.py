"""A package index update is followed by the install in the same ``RUN``.

A ``RUN apt-get update`` (or ``apk update``) on its own is cached as a layer: later changes to
the install line reuse the old, stale index, so builds install outdated versions or fail when
the mirror has moved on. Updating and installing in one ``RUN`` keeps them together.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APK, APT_GET
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_USES_INDEX = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "add", "build-dep"})


@rule(
    id="KG-DF-039",
    title="Package index updates go with the install",
    severity=Severity.MEDIUM,
    remediation="Combine them: RUN apt-get update && apt-get install -y ... && rm -rf "
    "/var/lib/apt/lists/*.",
    refs={"trivy": "DS017", "cis-docker": "4.7"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        for manager in (APT_GET, APK):
            subcommands = {manager.subcommand(c)[0] for c in run.named(*manager.programs)}
            if "update" in subcommands and not subcommands & _USES_INDEX:
                yield Violation(
                    run.instruction,
                    f"{manager.name} update without an install in the same RUN",
                    value="update",
                )
