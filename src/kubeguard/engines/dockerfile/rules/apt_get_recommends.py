"""``apt-get install`` passes ``--no-install-recommends``.

By default ``apt-get`` also installs "recommended" packages: documentation, extra tools and
libraries the application never uses, each adding size and vulnerabilities to the image.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import APT_GET
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-036",
    title="apt-get install passes --no-install-recommends",
    severity=Severity.LOW,
    remediation="Add --no-install-recommends to apt-get install.",
    refs={"hadolint": "DL3015", "trivy": "DS029"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        for command, _ in APT_GET.installing(run):
            disabled = command.has_option("--no-install-recommends") or any(
                "Install-Recommends=" in word and word.endswith(("false", "0"))
                for word in command.arguments
            )
            if not disabled:
                yield Violation(
                    run.instruction,
                    f"{command.name} install without --no-install-recommends",
                    value="install",
                )
