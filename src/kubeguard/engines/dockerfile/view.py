"""What Dockerfile rules read: one parsed file, with each ``RUN`` split into commands once.

Rules ask the view instead of walking instructions themselves: which commands a ``RUN``
executes (wrappers such as ``sudo``, ``env`` or ``xargs`` taken off, ``python -m pip`` seen as
``pip``, here-document scripts and ``sh -c`` scripts included), which stages end up in the
image, and whether a stage builds a Windows image (whose commands are not POSIX shell).
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from kubeguard.engines.dockerfile.images import ImageReference, parse_reference
from kubeguard.engines.dockerfile.shell import SHELLS, Command, PipelineCounter, parse_commands
from kubeguard.model.dockerfile import DockerfileDoc, Instruction, Stage

#: Wrappers that run another command, with their options that take an argument.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "time": frozenset({"-o", "-f"}),
    "nice": frozenset({"-n"}),
    "command": frozenset(),
    "xargs": frozenset({"-n", "-I", "-P", "-d", "-L", "-s", "-E", "-a"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "chroot": frozenset(),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
}
#: Operands a wrapper takes before the command (``gosu USER cmd``, ``timeout 10 cmd``).
_WRAPPER_OPERANDS = {"gosu": 1, "su-exec": 1, "chroot": 1, "timeout": 1}
_PYTHON_PREFIX = "python"
_WINDOWS_MARKERS = ("windows", "nanoserver", "servercore")
_NON_POSIX_SHELLS = ("powershell", "pwsh", "cmd")


@dataclass(frozen=True, slots=True)
class LintSettings:
    """What rules may consult besides the file."""

    trusted_registries: tuple[str, ...] = ()
    """Registries base images may come from; empty to allow any."""


@dataclass(frozen=True, slots=True)
class RunView:
    """One ``RUN`` (or ``ONBUILD RUN``) and the commands it executes."""

    instruction: Instruction
    stage: Stage | None
    commands: tuple[Command, ...]
    """Every command as written, those inside substitutions and scripts included."""
    programs: tuple[Command, ...]
    """The same commands with wrappers taken off: ``sudo apt-get install`` is ``apt-get``."""
    by_name: Mapping[str, tuple[Command, ...]]
    """``programs`` by name."""

    @classmethod
    def of(
        cls, instruction: Instruction, stage: Stage | None, commands: tuple[Command, ...]
    ) -> RunView:
        """The view of ``instruction`` executing ``commands``."""
        programs = tuple(map(unwrap, commands))
        by_name: dict[str, list[Command]] = {}
        for program in programs:
            by_name.setdefault(program.name, []).append(program)
        return cls(
            instruction, stage, commands, programs, {k: tuple(v) for k, v in by_name.items()}
        )

    def named(self, *names: str) -> list[Command]:
        """The programs called one of ``names``, in order."""
        if len(names) == 1:
            return list(self.by_name.get(names[0], ()))
        return [program for program in self.programs if program.name in names]

    def cache_mount(self, *prefixes: str) -> bool:
        """Whether a ``--mount=type=cache`` targets a path under one of ``prefixes``."""
        for mount in self.instruction.flag_values("mount"):
            options = dict(part.partition("=")[::2] for part in mount.split(","))
            target = options.get("target") or options.get("dst") or options.get("destination")
            if options.get("type") == "cache" and target and target.startswith(prefixes):
                return True
        return False


class DockerfileView:
    """One parsed Dockerfile as rules see it."""

    def __init__(self, doc: DockerfileDoc, settings: LintSettings | None = None) -> None:
        self.doc = doc
        self.settings = settings or LintSettings()

    @cached_property
    def runs(self) -> tuple[RunView, ...]:
        """Every ``RUN``, and every ``RUN`` that an ``ONBUILD`` carries, in file order."""
        views = []
        for instruction in self.doc.instructions:
            run = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
            if run is not None and run.keyword == "RUN":
                stage = self.doc.stages[run.stage] if run.stage >= 0 else None
                commands = self._commands(run, stage)
                views.append(RunView.of(run, stage, commands))
        return tuple(views)

    @cached_property
    def image_stages(self) -> frozenset[int]:
        """Indexes of the stages whose layers end up in the final image."""
        final = self.doc.final_stage
        return frozenset(s.index for s in self.doc.lineage(final)) if final else frozenset()

    def in_image(self, stage: Stage | None) -> bool:
        """Whether ``stage``'s layers end up in the final image."""
        return stage is not None and stage.index in self.image_stages

    def is_windows(self, stage: Stage) -> bool:
        """Whether the stage builds on a Windows base image (its default shell is cmd)."""
        root = self.doc.lineage(stage)[0]
        return any(marker in root.base.lower() for marker in _WINDOWS_MARKERS)

    def base_images(self) -> Iterator[tuple[Stage, ImageReference]]:
        """Stages built on an image from a registry: not ``scratch``, not an earlier stage, and
        not a reference whose variables have no known value."""
        for stage in self.doc.stages:
            if stage.parent is None and not stage.base_unresolved and stage.base != "scratch":
                yield stage, parse_reference(stage.base)

    def instructions(self, *keywords: str) -> Iterator[Instruction]:
        """Instructions with one of ``keywords``, those an ``ONBUILD`` carries included."""
        for instruction in self.doc.instructions:
            if instruction.keyword == "ONBUILD" and instruction.trigger is not None:
                instruction = instruction.trigger
            if instruction.keyword in keywords:
                yield instruction

    def repeated(self, keyword: str) -> Iterator[tuple[Instruction, Instruction]]:
        """(later, first) for every ``keyword`` instruction after the first of its stage: only
        the last one of a stage takes effect."""
        for stage in self.doc.stages:
            found = list(stage.of(keyword))
            for later in found[1:]:
                yield later, found[0]

    def commands(self, *names: str) -> Iterator[tuple[RunView, Command]]:
        """Every program called one of ``names``, with the ``RUN`` it is in."""
        for run in self.runs:
            for program in run.named(*names):
                yield run, program

    def env_before(self, stage: Stage, line: int) -> dict[str, str | None]:
        """Variables set by ``ENV`` in ``stage`` (and the stages it builds on) before ``line``."""
        names: dict[str, str | None] = {}
        for ancestor in self.doc.lineage(stage):
            for instruction in ancestor.of("ENV"):
                if ancestor.index != stage.index or instruction.line < line:
                    names.update((pair.name, pair.value) for pair in instruction.assignments)
        return names

    def _commands(self, run: Instruction, stage: Stage | None) -> tuple[Command, ...]:
        if not self._posix(run, stage):
            return ()
        if run.exec_form is not None:
            return tuple(parse_commands(shlex.join(run.exec_form))) if run.exec_form else ()
        counter = PipelineCounter()
        commands = parse_commands(run.arguments, counter=counter)
        for heredoc in run.heredocs:
            if _runs_as_script(heredoc.delimiter, heredoc.body, commands):
                commands += parse_commands(heredoc.body, counter=counter)
        return tuple(commands)

    def _posix(self, run: Instruction, stage: Stage | None) -> bool:
        shell = run.shell[0].rsplit("\\", 1)[-1].rsplit("/", 1)[-1].lower() if run.shell else ""
        if shell.startswith(_NON_POSIX_SHELLS):
            return False
        return stage is None or not self.is_windows(stage) or run.shell != ("/bin/sh", "-c")


def _runs_as_script(delimiter: str, body: str, commands: list[Command]) -> bool:
    """Whether a here-document is a shell script: the whole command (``RUN <<EOF``) or the
    input of a shell (``RUN bash <<EOF``), without a shebang naming another interpreter."""
    reader = next(
        (
            c
            for c in commands
            if (("<<", delimiter) in c.redirects or ("<<-", delimiter) in c.redirects)
        ),
        None,
    )
    if reader is None or (reader.words and reader.name not in SHELLS):
        return False
    if body.startswith("#!"):
        interpreter = body[2:].split("\n", 1)[0].split()
        if interpreter and interpreter[0].endswith("/env"):
            interpreter = interpreter[1:]
        return bool(interpreter) and interpreter[0].rsplit("/", 1)[-1] in SHELLS
    return True


def unwrap(command: Command) -> Command:
    """The command a wrapper runs: ``sudo -u app pip install x`` → ``pip install x``,
    ``python3 -m pip install x`` → ``pip install x``; other commands unchanged."""
    words = command.words
    for _ in range(len(words)):
        name = words[0].rsplit("/", 1)[-1] if words else ""
        if name.startswith(_PYTHON_PREFIX) and words[1:3] == ("-m", "pip"):
            words = ("pip", *words[3:])
            break
        options = _WRAPPERS.get(name)
        if options is None:
            break
        index = 1
        while index < len(words):
            word = words[index]
            if word == "--":
                index += 1
                break
            if name == "env" and "=" in word and not word.startswith("-"):
                index += 1
            elif word.startswith("-") and len(word) > 1:
                index += 2 if word in options else 1
            else:
                break
        words = words[index + _WRAPPER_OPERANDS.get(name, 0) :]
    if words == command.words:
        return command
    return dataclasses.replace(command, words=words)
