"""Downloaded scripts are not piped into a shell.

``curl https://… | sh`` runs whatever the server sends, with the build's rights, and leaves no
trace of what ran: a compromised or hijacked download site, or a truncated transfer, goes
straight into the image. The same holds for ``sh -c "$(curl …)"`` and ``bash <(wget -O- …)``,
and for other interpreters (``python``, ``perl``, ``node``). Download to a file, check its
published checksum or signature, then run it.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.shell import SHELLS, Command, pipelines
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_FETCHERS = frozenset({"curl", "wget", "fetch"})
_INTERPRETERS = SHELLS | {"python", "python2", "python3", "perl", "ruby", "node", "php"}


@rule(
    id="KG-DF-026",
    title="Downloaded scripts are not piped into a shell",
    severity=Severity.HIGH,
    remediation="Download the script to a file, verify its checksum (sha256sum -c) or signature, "
    "then run it; better, install a packaged, pinned version.",
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for run in dockerfile.runs:
        for pipeline in pipelines(run.programs):
            fetch = next((c for c in pipeline if c.name in _FETCHERS), None)
            runner = next(
                (c for c in pipeline if fetch and c.position > fetch.position and _runs(c)), None
            )
            if fetch is not None and runner is not None:
                yield Violation(
                    run.instruction,
                    f"{fetch.name} output is piped into {runner.name}",
                    value=f"{fetch.name} | {runner.name}",
                )
        for program in run.programs:
            fetched = _fetched_inside(program)
            if _runs(program) and fetched is not None:
                yield Violation(
                    run.instruction,
                    f"{program.name} runs what {fetched} downloads",
                    value=f"{program.name} $({fetched})",
                )


def _runs(command: Command) -> bool:
    return command.name in _INTERPRETERS or command.name.startswith("python")


def _fetched_inside(command: Command) -> str | None:
    for commands in command.substitutions:
        for inner in commands:
            if inner.name in _FETCHERS:
                return inner.name
    return None
