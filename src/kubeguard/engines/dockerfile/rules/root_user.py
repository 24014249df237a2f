"""The image does not run as root.

A container runs its processes as the image's user unless the pod overrides it. When the last
``USER`` of the final stage (or of the stages it builds on) is ``root`` or ``0``, or when no
``USER`` is set at all, the process runs as root, and any flaw in it is a flaw with root's
rights, one kernel bug away from the node. hadolint only fires on an explicit ``USER root``;
like Trivy, this rule also fires when no ``USER`` is set, because most base images default to
root. Base images made to run as non-root (``…:nonroot``) and Windows images are exempt.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_ROOT = frozenset({"root", "0"})


@rule(
    id="KG-DF-001",
    title="The image does not run as root",
    severity=Severity.HIGH,
    remediation="Create an unprivileged user and end the final stage with USER <uid>, e.g. "
    "USER 10001.",
    refs={"hadolint": "DL3002", "trivy": "DS002", "cis-docker": "4.1"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    final = dockerfile.doc.final_stage
    if final is None or dockerfile.is_windows(final):
        return
    lineage = dockerfile.doc.lineage(final)
    users = [i for stage in lineage for i in stage.of("USER")]
    if not users:
        if "nonroot" not in lineage[0].base.lower():
            yield Violation(
                final.from_instruction,
                "no USER instruction: the container runs as the base image's user, root by default",
            )
        return
    last = users[-1]
    user = last.words[0].split(":", 1)[0] if last.words else ""
    if not last.unresolved and user.lower() in _ROOT:
        yield Violation(last, f"the final USER is {user}", value=user)
