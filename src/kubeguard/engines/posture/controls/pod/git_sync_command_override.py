"""git-sync is not told which program to run as git.

git-sync (the sidecar that keeps a volume in sync with a Git repository) accepts the path of the
git binary through ``--git`` or the ``GITSYNC_GIT`` / ``GIT_SYNC_GIT`` environment variables, and
extra git configuration through ``--git-config`` / ``GITSYNC_GIT_CONFIG`` (where
``core.sshCommand`` or ``core.fsmonitor`` name programs to run). Anyone who can edit the workload,
or the ConfigMap feeding its environment, can use them to run arbitrary commands in a pod that
usually holds repository credentials (reported publicly in 2024 as a git-sync command injection).
The settings are flagged on any container, since git-sync is often rebuilt under other image
names.
"""

from collections.abc import Iterator, Mapping

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ContainerView, WorkloadView, as_list, as_str
from kubeguard.model import Severity

#: Environment variables through which git-sync takes a program or git configuration.
OVERRIDE_VARIABLES = frozenset(
    {"GITSYNC_GIT", "GIT_SYNC_GIT", "GITSYNC_GIT_CONFIG", "GIT_SYNC_GIT_CONFIG"}
)
#: Command-line flags with the same effect.
OVERRIDE_FLAGS = ("--git", "--git-config")


@control(
    id="KG-POD-036",
    title="git-sync does not override the git command or its configuration",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove --git / GITSYNC_GIT and --git-config / GITSYNC_GIT_CONFIG from git-sync "
        "containers; use the git binary of the image and git-sync's dedicated flags instead."
    ),
    refs={"checkov": "CKV_K8S_159", "mitre": "T1059"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        yield from _variables(container)
        yield from _flags(container)


def _variables(container: ContainerView) -> Iterator[Violation]:
    for index, variable in enumerate(as_list(container.field("env"))):
        name = as_str(variable.get("name")) if isinstance(variable, Mapping) else None
        if name in OVERRIDE_VARIABLES:
            yield Violation(
                path=container.path("env", index, "name"),
                message=f"{container.label} sets {name}, which makes git-sync run another program",
                value=name,
            )


def _flags(container: ContainerView) -> Iterator[Violation]:
    for field in ("command", "args"):
        for index, word in enumerate(as_list(container.field(field))):
            flag = word.split("=", 1)[0] if isinstance(word, str) else None
            if flag in OVERRIDE_FLAGS:
                yield Violation(
                    path=container.path(field, index),
                    message=f"{container.label} passes {flag} to git-sync in {field}[{index}]",
                    # The flag's value may carry credentials (an http.extraHeader, a URL).
                    value=flag,
                )
