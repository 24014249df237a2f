"""``yum`` runs non-interactively (``-y``).

Without ``-y`` (``--assumeyes``) ``yum install``, ``update`` and ``remove`` ask for
confirmation; a build has no terminal to answer, so the step fails.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import YUM, prompting_installs
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-048",
    title="yum runs with -y",
    severity=Severity.LOW,
    remediation="Add -y: yum install -y <package>-<version>.",
    refs={"hadolint": "DL3030"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return prompting_installs(dockerfile, YUM)
