"""POSIX shell command lines split into commands, as far as Dockerfile rules need them.

Rules ask "which commands does this ``RUN`` execute, with which arguments, in which pipeline?".
This lexer answers that without running anything: it honours single and double quotes,
backslash escapes, ``$(…)``, backticks, ``${…}``, ``$((…))``, process substitution, comments,
redirections (``2>&1``, ``> file``) and here-documents, and splits on ``&&``, ``||``, ``;``,
``&``, ``|`` and newlines. Reserved words (``if``, ``then``, ``for … in … do``, ``case … in …
esac``, ``{``, ``}``, ``!``) are skipped, so the commands inside compound statements are found.
Commands inside command substitutions are parsed too and marked ``nested``.

It never raises: unbalanced quotes or parentheses end at the end of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

#: How deep substitutions inside substitutions are followed.
MAX_NESTING = 8

_OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", ";", "|", "&", "(", ")")
_REDIRECT = re.compile(r"\d*(?:<<-|<<<|<<|>>|<&|>&|<>|>\||<|>)")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_PLAIN = re.compile(r"[^\s'\"\\$`;&|()<>]+")
_METACHARACTERS = frozenset(" \t\r\n;&|()<>")
_SKIPPED_WORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "esac"}
)
_PIPE_OPERATORS = frozenset({"|", "|&"})
#: Programs that run their ``-c`` argument as a shell script.
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command."""

    words: tuple[str, ...]
    """The command and its arguments, quotes removed (assignments and redirections left out)."""
    assignments: tuple[str, ...] = ()
    """``NAME=value`` words before the command."""
    redirects: tuple[tuple[str, str], ...] = ()
    """(operator, target) of each redirection, e.g. ``(">", "/dev/null")`` or ``("<<", "EOF")``."""
    pipeline: int = 0
    """Index of the pipeline the command belongs to, in order of appearance."""
    position: int = 0
    """Position in its pipeline: 0 for the first command, 1 for the one reading its output …"""
    nested: bool = False
    """Inside a command substitution or process substitution."""
    substitutions: tuple[tuple[Command, ...], ...] = ()
    """Commands of each ``$(…)``, backtick or ``<(…)`` in this command's words."""

    name: str = field(init=False)
    """The program's base name (``/usr/bin/apt-get`` → ``apt-get``), empty if none."""

    def __post_init__(self) -> None:
        # Rules ask every command its name many times; work it out once.
        object.__setattr__(self, "name", self.words[0].rsplit("/", 1)[-1] if self.words else "")

    @property
    def arguments(self) -> tuple[str, ...]:
        """The words after the command name."""
        return self.words[1:]

    def has_option(self, *names: str) -> bool:
        """Whether any of ``names`` is given: ``--long`` (also as ``--long=value``) or a
        one-letter ``-x``, also grouped with other letters (``-qy``)."""
        for word in self.arguments:
            if word == "--":
                return False
            if word.startswith("--"):
                if word.split("=", 1)[0] in names:
                    return True
            elif (word.startswith("-") and len(word) > 1) and (
                word in names or any(f"-{letter}" in names for letter in word[1:])
            ):
                return True
        return False

    def option_value(self, name: str) -> str | None:
        """The value of the long option ``name`` (``--name=value`` or ``--name value``), the
        last one given; ``None`` when absent."""
        value = None
        arguments = self.arguments
        for index, word in enumerate(arguments):
            if word == "--":
                break
            if word.startswith(f"{name}="):
                value = word[len(name) + 1 :]
            elif word == name and index + 1 < len(arguments):
                value = arguments[index + 1]
        return value


@dataclass(slots=True)
class _Token:
    kind: str
    """``word``, ``op``, ``redirect`` or ``newline``."""
    text: str
    """The word after quote removal, or the operator."""
    raw: str = ""
    substitutions: tuple[str, ...] = ()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.tokens: list[_Token] = []
        self.pending_heredocs: list[tuple[str, bool]] = []

    def run(self) -> list[_Token]:
        text = self.text
        length = len(text)
        tokens = self.tokens
        while self.position < length:
            char = text[self.position]
            if char in " \t\r":
                self.position += 1
            elif char == "\\" and text.startswith("\\\n", self.position):
                self.position += 2
            elif char == "\n":
                tokens.append(_Token("newline", "\n"))
                self.position += 1
                self._skip_heredoc_bodies()
            elif char == "#":
                end = text.find("\n", self.position)
                self.position = length if end < 0 else end
            elif char in "<>" and text.startswith("(", self.position + 1):
                self._word()
            elif (char in "<>" or char.isdigit()) and (
                redirect := _REDIRECT.match(text, self.position)
            ) is not None:
                self._redirect(redirect.group())
            elif char in ";&|()":
                operator = next(op for op in _OPERATORS if text.startswith(op, self.position))
                tokens.append(_Token("op", operator))
                self.position += len(operator)
            elif (plain := _PLAIN.match(text, self.position)) is not None and (
                plain.end() == length or text[plain.end()] in _METACHARACTERS
            ):
                # Most words have no quotes, escapes or expansions: take them whole.
                word = plain.group()
                tokens.append(_Token("word", word, word))
                self.position = plain.end()
            else:
                self._word()
        return tokens

    def _redirect(self, operator: str) -> None:
        self.position += len(operator)
        while self.position < len(self.text) and self.text[self.position] in " \t":
            self.position += 1
        operator = operator.lstrip("0123456789")
        self.tokens.append(_Token("redirect", operator))
        if operator in ("<<", "<<-"):
            start = len(self.tokens)
            self._word()
            if len(self.tokens) > start:
                delimiter = self.tokens[-1].text
                self.pending_heredocs.append((delimiter, operator.endswith("-")))

    def _skip_heredoc_bodies(self) -> None:
        for delimiter, strip_tabs in self.pending_heredocs:
            while self.position < len(self.text):
                end = self.text.find("\n", self.position)
                end = len(self.text) if end < 0 else end
                line = self.text[self.position : end]
                self.position = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.pending_heredocs = []

    def _word(self) -> None:
        text = self.text
        parts: list[str] = []
        substitutions: list[str] = []
        start = self.position
        while self.position < len(text):
            plain = _PLAIN.match(text, self.position)
            if plain is not None:
                parts.append(plain.group())
                self.position = plain.end()
                continue
            char = text[self.position]
            if char in "<>" and text.startswith("(", self.position + 1):
                end = _closing(text, self.position + 2, "(", ")")
                substitutions.append(text[self.position + 2 : end])
                parts.append(text[self.position : end + 1])
                self.position = end + 1
            elif char in _METACHARACTERS:
                break
            elif char == "\\":
                following = text[self.position + 1 : self.position + 2]
                parts.append("" if following == "\n" else following)
                self.position += 2
            elif char == "'":
                end = text.find("'", self.position + 1)
                end = len(text) if end < 0 else end
                parts.append(text[self.position + 1 : end])
                self.position = end + 1
            elif char == '"':
                self._double_quoted(parts, substitutions)
            elif char == "$":
                self._dollar(parts, substitutions)
            elif char == "`":
                self._backticks(parts, substitutions)
            else:  # pragma: no cover - _PLAIN consumes every other character
                parts.append(char)
                self.position += 1
        self.tokens.append(
            _Token("word", "".join(parts), text[start : self.position], tuple(substitutions))
        )

    def _double_quoted(self, parts: list[str], substitutions: list[str]) -> None:
        text = self.text
        self.position += 1
        while self.position < len(text):
            char = text[self.position]
            if char == '"':
                self.position += 1
                return
            if char == "\\" and text[self.position + 1 : self.position + 2] in (
                '"',
                "\\",
                "$",
                "`",
            ):
                parts.append(text[self.position + 1])
                self.position += 2
            elif char == "\\" and text.startswith("\\\n", self.position):
                self.position += 2
            elif char == "$":
                self._dollar(parts, substitutions)
            elif char == "`":
                self._backticks(parts, substitutions)
            else:
                parts.append(char)
                self.position += 1

    def _backticks(self, parts: list[str], substitutions: list[str]) -> None:
        end = _backtick_end(self.text, self.position + 1)
        substitutions.append(self.text[self.position + 1 : end])
        parts.append(self.text[self.position : end + 1])
        self.position = end + 1

    def _dollar(self, parts: list[str], substitutions: list[str]) -> None:
        text = self.text
        start = self.position
        if text.startswith("$((", start):
            end = _closing(text, start + 3, "(", ")")
            end = _closing(text, end + 1, "(", ")") if end + 1 < len(text) else end
        elif text.startswith("$(", start):
            end = _closing(text, start + 2, "(", ")")
            substitutions.append(text[start + 2 : end])
        elif text.startswith("${", start):
            end = _closing(text, start + 2, "{", "}")
        else:
            end = start
        parts.append(text[start : end + 1])
        self.position = end + 1


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the ``closing`` matching an ``opening`` just before ``start``; quotes and
    nested pairs are skipped. The end of the text if unbalanced."""
    depth = 1
    position = start
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "'" and opening == "(":
            end = text.find("'", position + 1)
            position = length if end < 0 else end + 1
            continue
        if char == '"':
            position = _quote_end(text, position + 1) + 1
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return length


def _quote_end(text: str, start: int) -> int:
    position = start
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == '"':
            return position
        if text.startswith("$(", position):
            position = _closing(text, position + 2, "(", ")") + 1
            continue
        position += 1
    return len(text)


def _backtick_end(text: str, start: int) -> int:
    position = start
    while position < len(text):
        if text[position] == "\\":
            position += 2
            continue
        if text[position] == "`":
            return position
        position += 1
    return len(text)


@dataclass(slots=True)
class _Pending:
    words: list[str]
    assignments: list[str]
    redirects: list[tuple[str, str]]
    substitutions: list[str]


class PipelineCounter:
    """Hands out pipeline numbers, so that several texts parsed for one instruction (its
    command line, its here-documents, their substitutions) never share a number."""

    def __init__(self) -> None:
        self._next = 0

    def take(self) -> int:
        """A number not handed out before."""
        self._next += 1
        return self._next - 1


class _Parser:
    """Tokens to commands, reserved words and compound-statement syntax skipped."""

    def __init__(
        self, tokens: list[_Token], nested: bool, depth: int, counter: PipelineCounter
    ) -> None:
        self.tokens = tokens
        self.nested = nested
        self.depth = depth
        self.counter = counter
        self.commands: list[Command] = []
        self.pipeline = counter.take()
        self.position_in_pipeline = 0
        self.current = _Pending([], [], [], [])
        self.mode = "command"
        """``command``, ``skip-to-do`` (after ``for``), ``case-word``, ``pattern``."""

    def run(self) -> list[Command]:
        tokens = self.tokens
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if self.mode != "command":
                self._special(token)
            elif token.kind == "word":
                self._word(token)
            elif token.kind == "redirect":
                target = (
                    tokens[index].text
                    if index < len(tokens) and tokens[index].kind == "word"
                    else ""
                )
                if target:
                    self.current.substitutions.extend(tokens[index].substitutions)
                    index += 1
                self.current.redirects.append((token.text, target))
            elif token.kind == "op" and token.text in _PIPE_OPERATORS:
                self._finish(continues_pipeline=True)
            else:
                self._finish(continues_pipeline=False)
                if token.text in (";;", ";&", ";;&"):
                    self.mode = "pattern"
        self._finish(continues_pipeline=False)
        return self.commands

    def _word(self, token: _Token) -> None:
        current = self.current
        in_command_position = not current.words
        if in_command_position and not current.assignments and not current.redirects:
            if token.text in _SKIPPED_WORDS:
                return
            if token.text in ("for", "select"):
                self.mode = "skip-to-do"
                return
            if token.text == "case":
                self.mode = "case-word"
                return
        current.substitutions.extend(token.substitutions)
        if in_command_position and _ASSIGNMENT.match(token.raw):
            current.assignments.append(token.text)
        else:
            current.words.append(token.text)

    def _special(self, token: _Token) -> None:
        if self.mode == "skip-to-do":
            if token.kind == "word" and token.text == "do":
                self.mode = "command"
        elif self.mode == "case-word":
            if token.kind == "word" and token.text == "in":
                self.mode = "pattern"
        elif (token.kind == "op" and token.text == ")") or (
            token.kind == "word" and token.text == "esac"
        ):
            self.mode = "command"

    def _finish(self, *, continues_pipeline: bool) -> None:
        current = self.current
        if current.words or current.assignments or current.redirects:
            inner: tuple[tuple[Command, ...], ...] = ()
            if self.depth < MAX_NESTING:
                scripts = [*current.substitutions, *_shell_script(current.words)]
                inner = tuple(
                    tuple(
                        parse_commands(
                            text, nested=True, depth=self.depth + 1, counter=self.counter
                        )
                    )
                    for text in scripts
                )
            self.commands.append(
                Command(
                    words=tuple(current.words),
                    assignments=tuple(current.assignments),
                    redirects=tuple(current.redirects),
                    pipeline=self.pipeline,
                    position=self.position_in_pipeline,
                    nested=self.nested,
                    substitutions=inner,
                )
            )
            self.position_in_pipeline += 1
            for commands in inner:
                self.commands.extend(commands)
        if not continues_pipeline:
            self.pipeline = self.counter.take()
            self.position_in_pipeline = 0
        self.current = _Pending([], [], [], [])


def _shell_script(words: list[str]) -> list[str]:
    """The script of ``sh -c 'script'`` (options may be grouped: ``bash -ec``)."""
    if not words or words[0].rsplit("/", 1)[-1] not in SHELLS:
        return []
    runs_script = False
    for word in words[1:]:
        if word.startswith(("-", "+")) and len(word) > 1:
            runs_script = runs_script or ("c" in word[1:] and not word.startswith("--"))
            continue
        return [word] if runs_script else []
    return []


def parse_commands(
    text: str,
    *,
    nested: bool = False,
    depth: int = 0,
    counter: PipelineCounter | None = None,
) -> list[Command]:
    """Every simple command of the shell text, in order; the commands of substitutions and of
    ``sh -c`` scripts follow the command they appear in, marked ``nested``."""
    parser = _Parser(_Lexer(text).run(), nested, depth, counter or PipelineCounter())
    return parser.run()


def pipelines(commands: Iterable[Command]) -> list[list[Command]]:
    """Commands grouped by pipeline (nested ones included), each in pipeline order."""
    grouped: dict[int, list[Command]] = {}
    for command in commands:
        grouped.setdefault(command.pipeline, []).append(command)
    return list(grouped.values())
