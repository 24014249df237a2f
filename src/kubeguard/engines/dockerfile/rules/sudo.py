"""``RUN`` does not use ``sudo``.

Build steps already run as the current ``USER``; ``sudo`` there means the image ships sudo and
a sudoers policy, which a compromised process can use to become root, and its behaviour depends
on TTY and environment settings that differ between builders. Switch with ``USER`` around the
privileged steps instead, or use ``gosu``/``su-exec`` in an entrypoint that must drop rights.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-027",
    title="RUN does not use sudo",
    severity=Severity.MEDIUM,
    remediation="Run privileged steps before switching USER (or switch back with USER root for "
    "them) and remove sudo from the image.",
    refs={"hadolint": "DL3004", "trivy": "DS010"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        used = next((c for c in run.commands if c.name == "sudo"), None)
        if used is not None:
            target = " ".join(used.arguments[:3])
            yield Violation(run.instruction, f"sudo {target}".strip(), value="sudo")
