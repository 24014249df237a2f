"""``WORKDIR``, not ``cd``, sets the working folder.

A ``cd`` lasts only for its ``RUN``; the next instruction starts again in the ``WORKDIR``, which
is a classic source of files landing in the wrong place. ``WORKDIR`` is explicit, lasts for the
rest of the stage and creates the folder if needed.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-028",
    title="WORKDIR, not cd, sets the working folder",
    severity=Severity.INFO,
    remediation="Use WORKDIR /path before the RUN instead of cd inside it.",
    refs={"hadolint": "DL3003", "trivy": "DS013"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        cd = next((c for c in run.programs if c.name == "cd" and not c.nested), None)
        if cd is not None:
            target = cd.arguments[0] if cd.arguments else "~"
            yield Violation(run.instruction, f"RUN changes folder with cd {target}", value=target)
