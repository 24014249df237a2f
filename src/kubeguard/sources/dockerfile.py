"""Dockerfiles from files, folders and standard input, parsed as BuildKit reads them.

What the parser follows, from the Dockerfile reference:

- parser directives (``# syntax=``, ``# escape=``, ``# check=``) only at the very top, before any
  blank line, comment or instruction; the escape character is ``\\`` or `````;
- a line ending in the escape character continues on the next line; comment lines and blank
  lines inside a continued instruction are dropped; an instruction's line is its first line;
- here-documents of ``RUN``, ``COPY`` and ``ADD`` (``<<EOF``, ``<<-EOF``, ``<<"EOF"``, several
  per instruction), whose bodies follow the instruction line in order;
- exec form (a JSON array) and shell form;
- flags (``--platform``, ``--from``, ``--mount``, ``--chown`` …) of ``FROM``, ``RUN``, ``COPY``,
  ``ADD`` and ``HEALTHCHECK``;
- ``ARG`` and ``ENV`` substitution: ``ARG`` before the first ``FROM`` is global and usable in
  ``FROM``; inside a stage a global ``ARG`` must be declared again (``ARG NAME``) to be used and
  then takes the global default; ``ENV`` wins over an ``ARG`` of the same name and carries over to
  stages built ``FROM`` this one, as does ``SHELL``;
- stage names compared case-insensitively, ``FROM <earlier stage>``.

An input that cannot be parsed yields one :class:`~kubeguard.model.SourceError` naming the file
and line; nothing here raises anything else.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.dockerfile import (
    DEFAULT_SHELL,
    Assignment,
    Comment,
    DockerfileDoc,
    Flag,
    Heredoc,
    Instruction,
    Stage,
)
from kubeguard.sources.dockerfile_words import Scope, expand_word, expand_words, raw_words

#: Largest Dockerfile read, in bytes; real ones are a few kilobytes.
DEFAULT_MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024

STDIN = "-"

INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
_WITH_FLAGS = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_WITH_JSON = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_WITH_HEREDOCS = frozenset({"RUN", "COPY", "ADD"})
#: Instructions whose arguments the builder expands as a list of words.
_EXPANDED_WORDS = frozenset({"ADD", "COPY", "EXPOSE", "VOLUME"})
#: Instructions whose whole argument the builder expands as one word.
_EXPANDED_WORD = frozenset({"USER", "WORKDIR", "STOPSIGNAL"})
_ASSIGNING = frozenset({"ARG", "ENV", "LABEL"})

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_KEYWORD = re.compile(r"\s*(\S+)(?:\s+(.*))?$", re.DOTALL)
_HEREDOC = re.compile(r"\d*<<(-?)(\"[^\"]+\"|'[^']+'|[^\s<>&|;()'\"]+)")
_SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules"})
_FILE_NAMES = re.compile(r"(?i)^(docker|container)file$|\.(docker|container)file$|^dockerfile\.")


# --------------------------------------------------------------------------- reading inputs


def read_dockerfiles(
    inputs: Iterable[str],
    *,
    max_file_bytes: int = DEFAULT_MAX_DOCKERFILE_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[DockerfileDoc | SourceError]:
    """Parse every Dockerfile of ``inputs`` (files, folders searched recursively, ``-``)."""
    for target in dockerfile_targets(inputs, max_file_bytes=max_file_bytes, stdin=stdin):
        if isinstance(target, Path):
            yield read_dockerfile(target, max_file_bytes=max_file_bytes)
        else:
            yield target


def dockerfile_targets(
    inputs: Iterable[str],
    *,
    max_file_bytes: int = DEFAULT_MAX_DOCKERFILE_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[Path | DockerfileDoc | SourceError]:
    """The files ``inputs`` name, in order, without reading them (so that workers can);
    standard input is read and parsed here, and a missing input is an error."""
    for given in inputs:
        if given == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield _parse_bytes(stream.read(max_file_bytes + 1), STDIN, max_file_bytes)
            continue
        path = Path(given)
        if path.is_dir():
            yield from dockerfiles_in(path)
        elif path.exists():
            yield path
        else:
            yield SourceError("no such file or folder", location=SourceLocation(given))


def dockerfiles_in(folder: Path) -> Iterator[Path]:
    """Files below ``folder`` named like Dockerfiles (``Dockerfile``, ``Dockerfile.dev``,
    ``api.Dockerfile``, ``Containerfile``), in a stable order. Version-control metadata and
    ``node_modules`` are skipped; other hidden folders (``.github``, ``.devcontainer``) often
    hold real Dockerfiles and are searched."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            if _FILE_NAMES.search(name):
                yield Path(root, name)


def read_dockerfile(
    path: Path, *, max_file_bytes: int = DEFAULT_MAX_DOCKERFILE_BYTES
) -> DockerfileDoc | SourceError:
    """Read and parse one file; a problem is returned, never raised."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError as error:
        return SourceError(f"cannot read: {error.strerror or error}", location=SourceLocation(name))
    return _parse_bytes(data, name, max_file_bytes)


def _parse_bytes(data: bytes, name: str, max_file_bytes: int) -> DockerfileDoc | SourceError:
    if len(data) > max_file_bytes:
        return SourceError(
            f"larger than the {max_file_bytes // 1024} KiB limit for a Dockerfile",
            location=SourceLocation(name),
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return SourceError(
            f"binary data (NUL byte at offset {offset}), not a Dockerfile",
            location=SourceLocation(name, data.count(b"\n", 0, offset) + 1),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return SourceError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})",
            location=SourceLocation(name, data.count(b"\n", 0, error.start) + 1),
        )
    try:
        return parse_dockerfile(text, name)
    except SourceError as error:
        return error


# --------------------------------------------------------------------------- parsing


def parse_dockerfile(text: str, path: str = STDIN) -> DockerfileDoc:
    """Parse Dockerfile ``text``; raises :class:`SourceError` (with the line) if it cannot."""
    lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    directives, start = _directives(lines, path)
    escape = directives.get("escape", "\\")
    builder = _Builder(path, escape)
    index = start
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped:
            index += 1
        elif stripped.startswith("#"):
            builder.comments.append(Comment(index + 1, stripped[1:].strip()))
            index += 1
        else:
            index = _instruction(lines, index, builder)
    return builder.document(directives)


def _directives(lines: list[str], path: str) -> tuple[dict[str, str], int]:
    directives: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line.strip())
        if match is None or match.group(1).lower() not in _KNOWN_DIRECTIVES:
            return directives, index
        name, value = match.group(1).lower(), match.group(2)
        location = SourceLocation(path, index + 1)
        if name in directives:
            raise SourceError(f"only one {name} parser directive may be given", location=location)
        if name == "escape" and value not in ("\\", "`"):
            raise SourceError(f"invalid escape character {value!r}: use \\ or `", location=location)
        directives[name] = value
    return directives, len(lines)


def _instruction(lines: list[str], index: int, builder: _Builder) -> int:
    """Parse the instruction starting at ``lines[index]``; return the index after it."""
    first = index
    parts: list[str] = []
    escape = builder.escape
    while True:
        line = lines[index]
        body = line.rstrip(" \t")
        continued = body.endswith(escape)
        parts.append(body[: -len(escape)] if continued else line)
        index += 1
        if not continued:
            break
        while index < len(lines) and _dropped_in_continuation(lines[index]):
            index += 1
        if index >= len(lines):
            break
    match = _KEYWORD.match("".join(parts))
    if match is None:  # pragma: no cover - the caller only passes non-blank lines
        return index
    written, rest = match.group(1), (match.group(2) or "").strip()
    keyword = written.upper()
    location = SourceLocation(builder.path, first + 1)
    if keyword not in INSTRUCTIONS:
        raise SourceError(f"unknown instruction {written!r}", location=location)
    heredocs: list[Heredoc] = []
    if keyword in _WITH_HEREDOCS and "<<" in rest and not rest.startswith("["):
        index = _heredoc_bodies(lines, index, _heredoc_markers(rest, escape), heredocs, location)
    builder.add(keyword, rest, first + 1, index, tuple(heredocs))
    return index


def _dropped_in_continuation(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _heredoc_markers(text: str, escape: str) -> list[tuple[str, bool, bool]]:
    """(delimiter, strip tabs, expands) of each ``<<WORD`` of an instruction line."""
    markers = []
    for start, end in raw_words(text, escape):
        match = _HEREDOC.match(text, start, end)
        if match is not None:
            name = match.group(2)
            quoted = name[0] in "'\""
            markers.append((name[1:-1] if quoted else name, match.group(1) == "-", not quoted))
    return markers


def _heredoc_bodies(
    lines: list[str],
    index: int,
    markers: list[tuple[str, bool, bool]],
    heredocs: list[Heredoc],
    location: SourceLocation,
) -> int:
    for delimiter, strip_tabs, expands in markers:
        body: list[str] = []
        first = index
        while True:
            if index >= len(lines):
                raise SourceError(f"here-document <<{delimiter} is never closed", location=location)
            line = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if line == delimiter:
                break
            body.append(line)
        text = "\n".join(body) + ("\n" if body else "")
        heredocs.append(Heredoc(delimiter, text, strip_tabs, expands, first + 1))
    return index


@dataclass(slots=True)
class _StageState:
    """What a stage passes on to stages built ``FROM`` it."""

    env: dict[str, str | None] = field(default_factory=dict)
    shell: tuple[str, ...] = DEFAULT_SHELL


@dataclass(slots=True)
class _OpenStage:
    """A stage being read: its header, its instructions so far, the variables in scope."""

    header: Stage
    """The stage without its instructions, which :meth:`_Builder.document` fills in."""
    scope: dict[str, str | None]
    state: _StageState
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def index(self) -> int:
        """Position of the stage in the file."""
        return self.header.index


class _Builder:
    """Accumulates instructions into stages, tracking the variables in scope."""

    def __init__(self, path: str, escape: str) -> None:
        self.path = path
        self.escape = escape
        self.comments: list[Comment] = []
        self.instructions: list[Instruction] = []
        self.global_scope: dict[str, str | None] = {}
        self.stages: list[_OpenStage] = []

    def add(
        self, keyword: str, rest: str, line: int, end_line: int, heredocs: tuple[Heredoc, ...]
    ) -> None:
        stage = self.stages[-1] if self.stages else None
        if keyword == "FROM":
            stage = self._open_stage(rest, line)
        scope: Scope = stage.scope if stage is not None else self.global_scope
        instruction = self._instruction(keyword, rest, line, end_line, heredocs, scope, stage)
        self.instructions.append(instruction)
        if stage is None:
            self._assign_global(instruction)
        else:
            stage.instructions.append(instruction)
            self._apply(instruction, stage)

    def _open_stage(self, rest: str, line: int) -> _OpenStage:
        flags, arguments, _ = _flags(rest, self.global_scope, self.escape)
        words, unresolved = expand_words(arguments, self.global_scope, self.escape)
        location = SourceLocation(self.path, line)
        if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
            raise SourceError(
                "FROM takes an image, optionally followed by AS <name>", location=location
            )
        base = words[0]
        parent = None
        if not unresolved:
            parent = next((s.index for s in self.stages if s.header.key == base.lower()), None)
        inherited = self.stages[parent].state if parent is not None else _StageState()
        platform = next((flag.value for flag in flags if flag.name == "platform"), None)
        header = Stage(
            index=len(self.stages),
            name=words[2] if len(words) == 3 else None,
            base=base,
            base_unresolved=unresolved,
            parent=parent,
            platform=platform,
            line=line,
            instructions=(),
        )
        stage = _OpenStage(
            header, dict(inherited.env), _StageState(dict(inherited.env), inherited.shell)
        )
        self.stages.append(stage)
        return stage

    def _instruction(
        self,
        keyword: str,
        rest: str,
        line: int,
        end_line: int,
        heredocs: tuple[Heredoc, ...],
        scope: Scope,
        stage: _OpenStage | None,
    ) -> Instruction:
        flags: tuple[Flag, ...] = ()
        arguments = rest
        flags_unresolved = False
        if keyword in _WITH_FLAGS:
            expand_scope = self.global_scope if keyword == "FROM" else scope
            flags, arguments, flags_unresolved = _flags(rest, expand_scope, self.escape)
        exec_form = _json_array(arguments) if keyword in _WITH_JSON else None
        words, unresolved = self._words(keyword, arguments, exec_form, scope)
        trigger = None
        if keyword == "ONBUILD":
            trigger = self._trigger(rest, line, end_line, scope, stage)
        assignments: tuple[Assignment, ...] = ()
        if keyword in _ASSIGNING:
            assignments = self._assignments(keyword, arguments, scope, line)
        return Instruction(
            keyword=keyword,
            line=line,
            end_line=end_line,
            arguments=arguments,
            flags=flags,
            exec_form=exec_form,
            words=tuple(words),
            unresolved=unresolved or flags_unresolved,
            assignments=assignments,
            heredocs=heredocs,
            stage=stage.index if stage is not None else -1,
            shell=stage.state.shell if stage is not None else DEFAULT_SHELL,
            trigger=trigger,
        )

    def _words(
        self, keyword: str, arguments: str, exec_form: tuple[str, ...] | None, scope: Scope
    ) -> tuple[list[str], bool]:
        if keyword == "FROM":
            return expand_words(arguments, self.global_scope, self.escape)
        if keyword in _EXPANDED_WORDS:
            if exec_form is None:
                return expand_words(arguments, scope, self.escape)
            expanded = [expand_word(item, scope, self.escape) for item in exec_form]
            return [word for word, _ in expanded], any(flag for _, flag in expanded)
        if keyword in _EXPANDED_WORD:
            word, unresolved = expand_word(arguments, scope, self.escape)
            return [word], unresolved
        if exec_form is not None:
            return list(exec_form), False
        return arguments.split(), False

    def _trigger(
        self, rest: str, line: int, end_line: int, scope: Scope, stage: _OpenStage | None
    ) -> Instruction | None:
        match = _KEYWORD.match(rest)
        if match is None:
            raise SourceError(
                "ONBUILD needs an instruction", location=SourceLocation(self.path, line)
            )
        written, inner = match.group(1), (match.group(2) or "").strip()
        keyword = written.upper()
        if keyword not in INSTRUCTIONS:
            raise SourceError(
                f"unknown instruction {written!r} after ONBUILD",
                location=SourceLocation(self.path, line),
            )
        if keyword == "FROM":
            # Triggers run in a later build; keep them out of this file's stages.
            return Instruction(keyword, line, end_line, inner, words=tuple(inner.split()))
        return self._instruction(keyword, inner, line, end_line, (), scope, stage)

    def _assignments(
        self, keyword: str, arguments: str, scope: Scope, line: int
    ) -> tuple[Assignment, ...]:
        spans = list(raw_words(arguments, self.escape))
        if not spans:
            raise SourceError(
                f"{keyword} needs at least one name", location=SourceLocation(self.path, line)
            )
        first = arguments[spans[0][0] : spans[0][1]]
        if keyword != "ARG" and "=" not in first:
            # The legacy form: ENV NAME value with blanks
            value = arguments[spans[0][1] :].strip()
            return (self._assignment(first, value, scope),)
        pairs = []
        for start, end in spans:
            name, equals, value = arguments[start:end].partition("=")
            pairs.append(self._assignment(name, value if equals else None, scope))
        return tuple(pairs)

    def _assignment(self, name: str, raw: str | None, scope: Scope) -> Assignment:
        name = name.strip("\"'")
        if raw is None:
            return Assignment(name, None, None)
        value, unresolved = expand_word(raw, scope, self.escape)
        return Assignment(name, None if unresolved else value, raw)

    def _assign_global(self, instruction: Instruction) -> None:
        if instruction.keyword == "ARG":
            for pair in instruction.assignments:
                self.global_scope[pair.name] = pair.value

    def _apply(self, instruction: Instruction, stage: _OpenStage) -> None:
        """Update what later instructions of the stage see."""
        keyword = instruction.keyword
        if keyword == "ARG":
            for pair in instruction.assignments:
                if pair.name in stage.state.env:
                    continue  # ENV wins over ARG
                if pair.raw is None:
                    stage.scope[pair.name] = self.global_scope.get(pair.name)
                else:
                    stage.scope[pair.name] = pair.value
        elif keyword == "ENV":
            for pair in instruction.assignments:
                stage.scope[pair.name] = pair.value
                stage.state.env[pair.name] = pair.value
        elif keyword == "SHELL" and instruction.exec_form:
            stage.state.shell = instruction.exec_form

    def document(self, directives: dict[str, str]) -> DockerfileDoc:
        stages = tuple(
            dataclasses.replace(stage.header, instructions=tuple(stage.instructions))
            for stage in self.stages
        )
        return DockerfileDoc(
            path=self.path,
            escape=self.escape,
            directives=directives,
            instructions=tuple(self.instructions),
            stages=stages,
            comments=tuple(self.comments),
        )


def _flags(text: str, scope: Scope, escape: str) -> tuple[tuple[Flag, ...], str, bool]:
    """Leading ``--name[=value]`` words of ``text``, the rest of it, and whether a flag value
    uses a variable with no known value."""
    flags: list[Flag] = []
    rest = text
    unresolved = False
    if not text.startswith("--"):
        return (), text.strip(), False
    for start, end in raw_words(text, escape):
        word = text[start:end]
        if not word.startswith("--") or len(word) == 2:
            rest = text[start:]
            break
        name, equals, value = word[2:].partition("=")
        expanded: str | None = None
        if equals:
            expanded, unknown = expand_word(value, scope, escape)
            unresolved = unresolved or unknown
        flags.append(Flag(name.lower(), expanded))
        rest = text[end:]
    return tuple(flags), rest.strip(), unresolved


def _json_array(text: str) -> tuple[str, ...] | None:
    """The strings of a JSON array, or ``None`` when ``text`` is not one (shell form)."""
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None
