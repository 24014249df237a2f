"""``apt-get`` runs non-interactively (``-y``).

Without ``-y`` ``apt-get install`` (and ``upgrade``, ``remove`` …) asks for confirmation as soon
as it would install more than what was named; a build has no terminal to answer, so the step
fails or, worse, depends on whether dependencies happened to be needed that day.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APT_GET, prompting_installs
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-034",
    title="apt-get runs with -y",
    severity=Severity.LOW,
    remediation="Add -y: apt-get install -y --no-install-recommends <package>=<version>.",
    refs={"hadolint": "DL3014", "trivy": "DS021"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return prompting_installs(dockerfile, APT_GET)
