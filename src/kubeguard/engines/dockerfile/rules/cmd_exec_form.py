"""``CMD`` and ``ENTRYPOINT`` use the exec (JSON) form.

In shell form the container's main process is ``/bin/sh -c``, not the application: the shell
does not pass ``SIGTERM`` on, so a pod's graceful shutdown turns into a ``SIGKILL`` after the
grace period, with requests cut off and files half-written. The exec form
(``CMD ["app", "--port", "8080"]``) runs the application as PID 1. Windows images are exempt.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-020",
    title="CMD and ENTRYPOINT use the exec form",
    severity=Severity.LOW,
    remediation='Write the command as a JSON array: CMD ["app", "--flag"]; use exec in a wrapper '
    "script.",
    refs={"hadolint": "DL3025"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for stage in dockerfile.doc.stages:
        if dockerfile.is_windows(stage):
            continue
        for instruction in stage.of("CMD", "ENTRYPOINT"):
            if instruction.shell_form and instruction.arguments:
                yield Violation(
                    instruction,
                    f"{instruction.keyword} in shell form runs under /bin/sh -c, which does not "
                    "pass signals on",
                    value=instruction.arguments[:60],
                )
