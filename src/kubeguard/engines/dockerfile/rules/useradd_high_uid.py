"""``useradd`` with a high UID passes ``-l``.

``useradd`` records every user in ``/var/log/lastlog`` and ``faillog``, sparse files sized by
the highest UID: a UID such as 1000000 makes a file of hundreds of megabytes that image layers
store in full. ``-l`` (``--no-log-init``) skips that.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.shell import Command
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

#: UIDs above this make lastlog noticeably large.
_HIGH_UID = 65535


@rule(
    id="KG-DF-032",
    title="useradd with a high UID passes -l",
    severity=Severity.INFO,
    remediation="Add -l (--no-log-init) to useradd.",
    refs={"hadolint": "DL3046"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run, command in dockerfile.commands("useradd"):
        uid = _uid(command)
        if uid is not None and uid > _HIGH_UID and not command.has_option("-l", "--no-log-init"):
            yield Violation(run.instruction, f"useradd -u {uid} without -l", value=str(uid))


def _uid(command: Command) -> int | None:
    words = command.arguments
    for index, word in enumerate(words):
        value = None
        if word in ("-u", "--uid") and index + 1 < len(words):
            value = words[index + 1]
        elif word.startswith("--uid="):
            value = word.split("=", 1)[1]
        elif word.startswith("-u") and word[2:].isdigit():
            value = word[2:]
        if value is not None:
            return int(value) if value.isdigit() else None
    return None
