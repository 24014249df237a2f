"""A Dockerfile as the builder reads it: directives, stages and instructions, each with its line.

:func:`kubeguard.sources.dockerfile.parse_dockerfile` builds these values; rules only read them.
Words of the instructions the builder expands (``FROM``, ``COPY``, ``ENV``, ``USER`` …) are given
after ``ARG``/``ENV`` substitution and quote removal, as the builder would use them; a variable
whose value cannot be known when linting (a build argument without a default, a variable from
the base image) is kept as written and marks the instruction ``unresolved``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kubeguard.model.resource import ObjectKey, SourceLocation

#: Shell the builder runs shell-form instructions with on Linux, until a SHELL instruction.
DEFAULT_SHELL = ("/bin/sh", "-c")

#: Kind of the resource findings about a Dockerfile are attached to.
DOCKERFILE_KIND = "Dockerfile"


@dataclass(frozen=True, slots=True)
class Flag:
    """An instruction flag such as ``--from=builder`` or ``--link``."""

    name: str
    """Lower-cased, without the leading dashes."""
    value: str | None
    """The value after substitution; ``None`` for a flag written without ``=``."""


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document of ``RUN``, ``COPY`` or ``ADD`` (``<<EOF … EOF``)."""

    delimiter: str
    body: str
    """The lines between the marker and the delimiter, leading tabs removed for ``<<-``."""
    strip_tabs: bool
    """Written ``<<-``."""
    expands: bool
    """Whether variables in the body are expanded (the delimiter was not quoted)."""
    line: int
    """Line of the first body line."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """One ``name=value`` of an ``ARG``, ``ENV`` or ``LABEL`` instruction."""

    name: str
    value: str | None
    """The value after substitution; ``None`` for an ``ARG`` without a default."""
    raw: str | None
    """The value as written, quotes included; ``None`` when no value was written."""


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction, its continuation lines joined."""

    keyword: str
    """Upper-cased: ``FROM``, ``RUN``, ``COPY`` …"""
    line: int
    """Line of the instruction's first line."""
    end_line: int
    """Last line, here-document bodies included."""
    arguments: str
    """Everything after the keyword and the flags, as written (continuations joined)."""
    flags: tuple[Flag, ...] = ()
    exec_form: tuple[str, ...] | None = None
    """The JSON array of an exec-form instruction (``CMD ["app", "-v"]``), else ``None``."""
    words: tuple[str, ...] = ()
    """The arguments as words: after substitution for instructions the builder expands, the
    exec-form array where there is one, else split on blanks."""
    unresolved: bool = False
    """Some variable in ``words`` or the flags has no value known when linting."""
    assignments: tuple[Assignment, ...] = ()
    """The pairs of ``ARG``, ``ENV`` and ``LABEL``."""
    heredocs: tuple[Heredoc, ...] = ()
    stage: int = -1
    """Index of the stage the instruction belongs to; -1 before the first ``FROM``."""
    shell: tuple[str, ...] = DEFAULT_SHELL
    """The shell in effect for shell-form commands (the last ``SHELL`` of the stage)."""
    trigger: Instruction | None = None
    """The instruction an ``ONBUILD`` carries."""

    def flag(self, name: str) -> str | None:
        """The value of the last ``--name`` flag (``""`` if written bare), ``None`` if absent."""
        value = None
        for flag in self.flags:
            if flag.name == name:
                value = flag.value if flag.value is not None else ""
        return value

    def flag_values(self, name: str) -> tuple[str, ...]:
        """Values of every ``--name`` flag, in order (``--mount`` may be given several times)."""
        return tuple(flag.value or "" for flag in self.flags if flag.name == name)

    @property
    def shell_form(self) -> bool:
        """Written as a command line for the shell rather than as a JSON array."""
        return self.exec_form is None


@dataclass(frozen=True, slots=True)
class Stage:
    """A build stage: a ``FROM`` and the instructions up to the next one."""

    index: int
    name: str | None
    """The ``AS`` name as written; compare with :attr:`key`."""
    base: str
    """The base image reference (or earlier stage name) after substitution."""
    base_unresolved: bool
    """The base reference uses a variable whose value is unknown."""
    parent: int | None
    """Index of the earlier stage this one builds on (``FROM builder``), if any."""
    platform: str | None
    """The ``--platform`` flag after substitution."""
    line: int
    instructions: tuple[Instruction, ...]
    """Every instruction of the stage, its ``FROM`` first."""

    @property
    def key(self) -> str | None:
        """The name as the builder compares it (case-insensitively)."""
        return self.name.lower() if self.name else None

    @property
    def from_instruction(self) -> Instruction:
        """The stage's ``FROM``."""
        return self.instructions[0]

    def of(self, *keywords: str) -> Iterator[Instruction]:
        """The stage's instructions with one of ``keywords``."""
        return (i for i in self.instructions if i.keyword in keywords)


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment line (parser directives excluded)."""

    line: int
    text: str
    """The text after ``#``, stripped."""


@dataclass(frozen=True, slots=True)
class DockerfileDoc:
    """A parsed Dockerfile."""

    path: str
    """As given by the user; ``-`` for standard input."""
    escape: str = "\\"
    """The escape character: backslash, or backtick by ``# escape=`"""
    directives: Mapping[str, str] = field(default_factory=dict)
    """Parser directives (``syntax``, ``escape``, ``check``), keys lower-cased."""
    instructions: tuple[Instruction, ...] = ()
    """Every instruction in file order (``ONBUILD`` triggers are inside their ``ONBUILD``)."""
    stages: tuple[Stage, ...] = ()
    comments: tuple[Comment, ...] = ()

    @property
    def key(self) -> ObjectKey:
        """The resource findings about this file are attached to."""
        return ObjectKey("", DOCKERFILE_KIND, None, self.path)

    def location(self, line: int | None = None) -> SourceLocation:
        """A place in this file."""
        return SourceLocation(self.path, line)

    @property
    def final_stage(self) -> Stage | None:
        """The stage the image is built from when no ``--target`` is given."""
        return self.stages[-1] if self.stages else None

    @property
    def global_args(self) -> tuple[Instruction, ...]:
        """``ARG`` instructions before the first ``FROM`` (usable in every ``FROM``)."""
        return tuple(i for i in self.instructions if i.stage < 0 and i.keyword == "ARG")

    def stage_named(self, name: str) -> Stage | None:
        """The first stage called ``name`` (case-insensitively)."""
        wanted = name.lower()
        return next((stage for stage in self.stages if stage.key == wanted), None)

    def lineage(self, stage: Stage) -> list[Stage]:
        """``stage`` and the earlier stages it builds on, the root first."""
        chain = [stage]
        # A stage can only build on an earlier one, so the walk ends.
        while chain[-1].parent is not None:
            chain.append(self.stages[chain[-1].parent])
        return chain[::-1]


@dataclass(frozen=True, slots=True)
class HadolintConfig:
    """What kubeguard honours of a hadolint configuration file."""

    path: str
    ignored: frozenset[str] = frozenset()
    """Rule ids (``DL3008``) listed under ``ignored``."""
    trusted_registries: tuple[str, ...] = ()
    """``trustedRegistries``: registries base images may come from."""
    disable_ignore_pragma: bool = False
    """``disable-ignore-pragma``: inline ``# hadolint ignore=`` comments are not honoured."""
