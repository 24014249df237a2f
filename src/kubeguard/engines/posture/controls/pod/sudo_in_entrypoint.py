"""Containers must not call sudo in their command or arguments.

A container that runs ``sudo`` expects to gain root inside the container: its image carries a
setuid binary and a sudoers policy, and the workload only works with privilege escalation left
open. That is the path an intruder takes as well. Run the process as the user it needs and give
it the capabilities it needs instead. ``sudo`` is found as a word of ``command`` or ``args``,
also inside a shell line (``sh -c "sudo …"``) or by path (``/usr/bin/sudo``), but not as part of
another word.
"""

import re
from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_list
from kubeguard.model import Severity

#: Characters that separate words on a shell line.
_SHELL_SEPARATORS = re.compile(r"[\s;&|()`\"'$<>]+")
SUDO = "sudo"


@control(
    id="KG-POD-024",
    title="Containers do not call sudo",
    severity=Severity.LOW,
    remediation=(
        "Remove sudo from the container's command and args; run as the user the process needs, "
        "add only the capabilities it needs, and set allowPrivilegeEscalation: false."
    ),
    refs={"kubescape": "C-0062"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for field in ("command", "args"):
            for index, word in enumerate(as_list(container.field(field))):
                if isinstance(word, str) and _calls_sudo(word):
                    yield Violation(
                        path=container.path(field, index),
                        message=f"{container.label} runs sudo in {field}[{index}]: {word!r}",
                        value=word,
                    )


def _calls_sudo(text: str) -> bool:
    return any(word.rsplit("/", 1)[-1] == SUDO for word in _SHELL_SEPARATORS.split(text))
