"""Package managers as Dockerfile rules see them, and the three checks every one of them gets.

Each :class:`PackageManager` says how its command line reads: the programs, the subcommands
that install, the options that take an argument, the switches that answer prompts, how a pinned
package is written and how its cache is cleaned. The rules for pinning, non-interactive use and
cache cleaning are then one call each (:func:`unpinned_packages`, :func:`prompting_installs`,
:func:`uncleaned_caches`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kubeguard.engines.dockerfile.rule import Violation
from kubeguard.engines.dockerfile.shell import Command
from kubeguard.engines.dockerfile.view import DockerfileView, RunView

_PATH_PREFIXES = ("/", "./", "../", "~/")

#: Home of root inside an image: where package managers run by a root build keep their caches.
IMAGE_ROOT_HOME = "/root"


@dataclass(frozen=True, slots=True)
class PackageManager:
    """How one package manager's command line reads."""

    name: str
    programs: frozenset[str]
    installs: frozenset[str]
    """Subcommands that install packages."""
    pinned: Callable[[str], bool]
    """Whether a package argument names a version (or a file, which is as good)."""
    option_arguments: frozenset[str] = frozenset()
    """Options whose value is the next word (``-t stable``, ``--virtual .deps``)."""
    yes: tuple[str, ...] = ()
    """Switches that answer its prompts."""
    prompting: frozenset[str] = frozenset()
    """Subcommands that ask for confirmation unless told not to."""
    never_prompting: frozenset[str] = frozenset()
    """Programs of this manager that never ask (``microdnf``)."""
    cache: tuple[str, ...] = ()
    """Folders it caches into (a ``rm`` or a cache mount of one of them cleans it)."""
    cache_option: str | None = None
    """The option that names another cache folder instead (pip's ``--cache-dir``)."""
    cleaned_by: Callable[[RunView], bool] = field(default=lambda _run: False)
    """Other ways a ``RUN`` cleans the cache (``yum clean all``)."""
    cacheless: tuple[str, ...] = ()
    """Switches that keep it from caching at all (``apk add --no-cache``)."""

    def cache_folders(self, command: Command) -> tuple[str, ...]:
        """Where ``command`` caches: the folder its cache option names, or the usual ones."""
        chosen = command.option_value(self.cache_option) if self.cache_option else None
        return (chosen,) if chosen else self.cache

    def subcommand(self, command: Command) -> tuple[str, list[str]]:
        """The subcommand and the arguments after it that are not options or their values."""
        subcommand = ""
        operands: list[str] = []
        skip = False
        for word in command.arguments:
            if skip:
                skip = False
            elif word in self.option_arguments:
                skip = True
            elif word.startswith("-"):
                continue
            elif not subcommand:
                subcommand = word
            else:
                operands.append(word)
        return subcommand, operands

    def installing(self, run: RunView) -> Iterator[tuple[Command, list[str]]]:
        """Install commands of this manager in ``run``, with their package arguments."""
        for command in run.named(*self.programs):
            subcommand, operands = self.subcommand(command)
            if subcommand in self.installs:
                yield command, operands


def _versioned(*markers: str) -> Callable[[str], bool]:
    def pinned(package: str) -> bool:
        return any(marker in package for marker in markers) or package.startswith(_PATH_PREFIXES)

    return pinned


_RPM_VERSION = re.compile(r"-\d")


def _rpm_pinned(package: str) -> bool:
    return (
        bool(_RPM_VERSION.search(package))
        or package.endswith(".rpm")
        or package.startswith(("@", *_PATH_PREFIXES))
        or "://" in package
    )


def _npm_pinned(package: str) -> bool:
    if package.startswith(("git:", "git+", "github:")):
        return "#" in package
    if package.endswith((".tar", ".tar.gz", ".tgz")) or package.startswith(_PATH_PREFIXES):
        return True
    _, at, version = package.removeprefix("@").partition("@")
    return bool(at) and version not in ("", "latest")


def _ran(programs: tuple[str, ...], *arguments: str) -> Callable[[RunView], bool]:
    """A ``RUN`` that calls one of ``programs`` with all of ``arguments``."""

    def check(run: RunView) -> bool:
        return any(set(arguments) <= set(c.arguments) for c in run.named(*programs))

    return check


APT_GET = PackageManager(
    name="apt-get",
    programs=frozenset({"apt-get", "apt"}),
    installs=frozenset({"install"}),
    pinned=lambda package: (
        "=" in package or package.endswith(".deb") or package.startswith(_PATH_PREFIXES)
    ),
    option_arguments=frozenset(
        {"-o", "-t", "-c", "--option", "--target-release", "--config-file", "--default-release"}
    ),
    # -qq implies -y; a simulation (-s) installs nothing and never asks.
    yes=("-y", "--yes", "--assume-yes", "-qq", "--force-yes", "-s", "--simulate", "--dry-run"),
    prompting=frozenset(
        {
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "remove",
            "purge",
            "autoremove",
            "build-dep",
        }
    ),
    cache=("/var/lib/apt/lists",),
    cleaned_by=_ran(("apt-get", "apt"), "dist-clean"),
)
APK = PackageManager(
    name="apk",
    programs=frozenset({"apk"}),
    installs=frozenset({"add"}),
    pinned=_versioned("=", "<", ">", "~", ".apk"),
    option_arguments=frozenset(
        {
            "-t",
            "--virtual",
            "-X",
            "--repository",
            "-p",
            "--root",
            "--arch",
            "--cache-dir",
            "--keys-dir",
            "--repositories-file",
        }
    ),
    cache=("/var/cache/apk",),
    cacheless=("--no-cache",),
)
YUM = PackageManager(
    name="yum",
    programs=frozenset({"yum"}),
    installs=frozenset({"install", "groupinstall", "localinstall", "reinstall"}),
    pinned=_rpm_pinned,
    option_arguments=frozenset(
        {
            "-c",
            "--config",
            "--installroot",
            "--enablerepo",
            "--disablerepo",
            "-x",
            "--exclude",
            "--releasever",
        }
    ),
    yes=("-y", "--assumeyes"),
    prompting=frozenset(
        {
            "install",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
            "remove",
            "erase",
            "downgrade",
        }
    ),
    cache=("/var/cache/yum",),
    cleaned_by=_ran(("yum",), "clean", "all"),
)
DNF = PackageManager(
    name="dnf",
    programs=frozenset({"dnf", "dnf5", "microdnf", "tdnf"}),
    installs=frozenset({"install", "groupinstall", "reinstall"}),
    never_prompting=frozenset({"microdnf"}),
    pinned=_rpm_pinned,
    option_arguments=YUM.option_arguments | {"--setopt", "--repo", "--repofrompath"},
    yes=YUM.yes,
    prompting=(YUM.prompting - {"localinstall"}) | {"distro-sync"},
    cache=("/var/cache/dnf", "/var/cache/yum", "/var/cache/tdnf"),
    cleaned_by=_ran(("dnf", "dnf5", "microdnf", "tdnf"), "clean", "all"),
)
ZYPPER = PackageManager(
    name="zypper",
    programs=frozenset({"zypper"}),
    installs=frozenset({"install", "in"}),
    pinned=_versioned("=", "<", ">", ".rpm"),
    option_arguments=frozenset(
        {"-r", "--repo", "--root", "-R", "--reposd-dir", "-C", "--cache-dir", "-t", "--type"}
    ),
    yes=("-n", "--non-interactive", "-y", "--no-confirm"),
    prompting=frozenset(
        {
            "install",
            "in",
            "remove",
            "rm",
            "update",
            "up",
            "patch",
            "dist-upgrade",
            "dup",
            "source-install",
            "si",
        }
    ),
    cache=("/var/cache/zypp",),
    cleaned_by=lambda run: any(
        command.arguments[:1] in (("clean",), ("cc",)) or "clean" in command.arguments
        for command in run.named("zypper")
    ),
)
PIP = PackageManager(
    name="pip",
    programs=frozenset({"pip", "pip3", *(f"pip3.{minor}" for minor in range(6, 16))}),
    installs=frozenset({"install"}),
    pinned=lambda package: (
        any(marker in package for marker in ("==", ">", "<", "~=", "!=", "@"))
        or package.endswith((".whl", ".tar.gz", ".zip"))
        or "/" in package
        or package == "."
    ),
    option_arguments=frozenset(
        {
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-t",
            "--target",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "--prefix",
            "--root",
            "--src",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--trusted-host",
            "--no-binary",
            "--only-binary",
            "--upgrade-strategy",
            "--progress-bar",
            "--proxy",
            "--cache-dir",
            "--log",
            "--timeout",
            "--retries",
            "-b",
            "--build",
        }
    ),
    cache=(f"{IMAGE_ROOT_HOME}/.cache/pip", f"{IMAGE_ROOT_HOME}/.cache"),
    cache_option="--cache-dir",
    cacheless=("--no-cache-dir",),
)
NPM = PackageManager(
    name="npm",
    programs=frozenset({"npm"}),
    installs=frozenset({"install", "i", "add"}),
    pinned=_npm_pinned,
    option_arguments=frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--tag"}),
)
GEM = PackageManager(
    name="gem",
    programs=frozenset({"gem"}),
    installs=frozenset({"install", "i"}),
    pinned=lambda package: ":" in package or package.endswith(".gem"),
    option_arguments=frozenset(
        {
            "-v",
            "--version",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "-s",
            "--source",
            "-P",
            "--trust-policy",
            "--platform",
            "-g",
            "--file",
        }
    ),
)
YARN = PackageManager(
    name="yarn",
    programs=frozenset({"yarn"}),
    # A bare ``yarn`` installs too.
    installs=frozenset({"install", "add", ""}),
    pinned=lambda package: "@" in package.removeprefix("@"),
    option_arguments=frozenset({"--cache-folder", "--modules-folder", "--cwd", "--registry"}),
    cache=(
        "/usr/local/share/.cache/yarn",
        f"{IMAGE_ROOT_HOME}/.cache/yarn",
        f"{IMAGE_ROOT_HOME}/.yarn",
    ),
    cleaned_by=_ran(("yarn",), "cache", "clean"),
)
GO = PackageManager(
    name="go",
    programs=frozenset({"go"}),
    installs=frozenset({"install"}),
    pinned=lambda package: (
        ("@" in package and not package.endswith("@latest")) or package.startswith((".", "/"))
    ),
    option_arguments=frozenset(
        {
            "-o",
            "-C",
            "-p",
            "-tags",
            "-ldflags",
            "-gcflags",
            "-mod",
            "-modfile",
            "-pkgdir",
            "-toolexec",
            "-exec",
        }
    ),
)


def unpinned_packages(
    dockerfile: DockerfileView,
    manager: PackageManager,
    *,
    exempt: Callable[[Command], bool] = lambda _command: False,
) -> Iterator[Violation]:
    """One violation per install command naming a package without a version."""
    for run in dockerfile.runs:
        for command, packages in manager.installing(run):
            # Package groups (yum groupinstall "Development Tools") have no versions.
            if exempt(command) or manager.subcommand(command)[0].startswith("group"):
                continue
            loose = [p for p in packages if "$" not in p and not manager.pinned(p)]
            if loose:
                yield Violation(
                    run.instruction,
                    f"{command.name} installs {', '.join(loose)} without a version",
                    value=" ".join(loose),
                )


def prompting_installs(dockerfile: DockerfileView, manager: PackageManager) -> Iterator[Violation]:
    """One violation per command that would wait for a confirmation the build cannot give."""
    for run in dockerfile.runs:
        for command in run.named(*(manager.programs - manager.never_prompting)):
            subcommand, _ = manager.subcommand(command)
            if subcommand in manager.prompting and not command.has_option(*manager.yes):
                yield Violation(
                    run.instruction,
                    f"{command.name} {subcommand} without {manager.yes[0]} waits for a "
                    "confirmation that never comes",
                    value=subcommand,
                )


def uncleaned_caches(
    dockerfile: DockerfileView,
    manager: PackageManager,
    *,
    triggers: frozenset[str] | None = None,
    exempt: Callable[[RunView], bool] = lambda _run: False,
) -> Iterator[Violation]:
    """One violation per ``RUN`` of the image that fills ``manager``'s cache and leaves it.

    ``triggers`` are the subcommands that fill the cache (the installing ones by default). A
    cache-less switch, a ``rm`` of the cache folder or a cache mount over it in the same ``RUN``
    keep the layer clean; a later ``RUN`` cannot, the earlier layer already holds the files.
    Stages that do not end up in the image are not judged.
    """
    wanted = manager.installs if triggers is None else triggers
    for run in dockerfile.runs:
        if not dockerfile.in_image(run.stage) or exempt(run):
            continue
        filling = [
            command
            for command in run.named(*manager.programs)
            if manager.subcommand(command)[0] in wanted
            and not (manager.cacheless and command.has_option(*manager.cacheless))
        ]
        if not filling:
            continue
        folders = tuple(folder for command in filling for folder in manager.cache_folders(command))
        if run.cache_mount(*folders) or removes(run, folders) or manager.cleaned_by(run):
            continue
        command = filling[0]
        yield Violation(
            run.instruction,
            f"{command.name} {manager.subcommand(command)[0]} leaves its cache "
            f"({folders[0]}) in the layer".replace("  ", " "),
            value=folders[0],
        )


def removes(run: RunView, folders: tuple[str, ...]) -> bool:
    """Whether ``run`` deletes one of ``folders``, what is inside it, or a folder above it."""
    for command in run.named("rm"):
        for argument in command.arguments:
            path = argument.rstrip("*").rstrip("/")
            if argument.startswith("-") or len(path) < 2:
                continue
            if any(path.startswith(folder) or folder.startswith(path + "/") for folder in folders):
                return True
    return False
