"""Pipelines in ``RUN`` fail when any command in them fails.

A shell pipeline's status is its last command's: in ``curl -fsSL $URL | tar -xz`` a failed
download still lets the step succeed (tar reads nothing), and the image is built without what
the step was for. ``set -o pipefail`` (or ``SHELL ["/bin/bash", "-o", "pipefail", "-c"]``) makes
any failing command fail the step. Exec-form ``RUN`` and non-POSIX shells are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-031",
    title="Pipelines in RUN fail when any command fails",
    severity=Severity.LOW,
    remediation='Start the RUN with set -o pipefail, or declare SHELL ["/bin/bash", "-o", '
    '"pipefail", "-c"] before it.',
    refs={"hadolint": "DL4006", "trivy": "DS-0032"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        if run.instruction.exec_form is not None or _sets_pipefail(run.instruction.shell):
            continue
        enabled = False
        for command in run.commands:
            if command.nested:
                continue
            if command.name == "set" and _sets_pipefail(command.words):
                enabled = True
            elif command.position > 0 and not enabled:
                yield Violation(
                    run.instruction,
                    f"a pipeline into {command.name or 'a command'} hides failures of the "
                    "commands before it",
                    value=command.name,
                )
                break


def _sets_pipefail(words: tuple[str, ...]) -> bool:
    return any(
        word == "pipefail"
        and index > 0
        and words[index - 1].startswith("-")
        and "o" in words[index - 1]
        for index, word in enumerate(words)
    )
