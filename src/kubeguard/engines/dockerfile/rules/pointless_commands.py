"""``RUN`` does not call commands that make no sense in a build.

``ssh``, ``vim``, ``shutdown``, ``service``, ``ps``, ``free``, ``top``, ``kill``, ``mount`` and
``ifconfig`` act on a running interactive system; in a build step there is nothing for them to
act on, so they either do nothing or show that the Dockerfile was written like a shell session
on a server (starting services in a build does not keep them running).
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_POINTLESS = frozenset(
    {"ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig"}
)


@rule(
    id="KG-DF-029",
    title="RUN does not call interactive or system commands",
    severity=Severity.INFO,
    remediation="Remove the command; start services from the container's entrypoint.",
    refs={"hadolint": "DL3001"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        names = sorted({c.name for c in run.programs if c.name in _POINTLESS and not c.nested})
        if names:
            yield Violation(
                run.instruction,
                f"RUN calls {', '.join(names)}, which has no effect in a build",
                value=names[0],
            )
