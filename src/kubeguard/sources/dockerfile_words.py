"""Words of Dockerfile instructions, split and expanded the way the builder does it.

The builder has its own small shell-like lexer for the instructions it expands itself (``FROM``,
``COPY``, ``ENV``, ``WORKDIR`` …): blanks split words, single quotes are literal, double quotes
group, the escape character (backslash, or backtick after ``# escape=```) escapes the next
character, and ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:+alt}``, ``${VAR?msg}``,
``${VAR#pattern}``, ``${VAR%pattern}`` and ``${VAR/pattern/replacement}`` are substituted.

A variable with no known value (a build argument without a default, or a variable the base image
sets) stays as written and the result is marked unresolved, so rules can tell "empty" from
"unknown" and stay quiet on what they cannot know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from fnmatch import translate

#: Variable values in scope: ``None`` for a variable declared without a known value.
Scope = Mapping[str, str | None]

_NAME = re.compile(r"[A-Za-z0-9_]+")
_BLANKS = " \t\r\n"
#: Operators of ``${name<op>word}``, longest first so ``:-`` wins over ``-``.
_OPERATORS = (":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/")


class _Lexer:
    """One pass over a text; ``unresolved`` records whether an unknown variable was met."""

    def __init__(self, text: str, scope: Scope, escape: str) -> None:
        self.text = text
        self.scope = scope
        self.escape = escape
        self.position = 0
        self.unresolved = False

    def words(self, *, split: bool) -> list[str]:
        """The words of the whole text (one word when ``split`` is false). As in a shell, an
        unquoted expansion to nothing makes no word; ``""`` makes an empty one."""
        text, escape = self.text, self.escape
        words: list[str] = []
        current: list[str] = []
        quoted = False
        while self.position < len(text):
            char = text[self.position]
            if split and char in _BLANKS:
                if quoted or any(current):
                    words.append("".join(current))
                current, quoted = [], False
                self.position += 1
            elif char == escape:
                self._escaped(current)
            elif char == "'":
                end = text.find("'", self.position + 1)
                end = len(text) if end < 0 else end
                current.append(text[self.position + 1 : end])
                self.position = end + 1
                quoted = True
            elif char == '"':
                self._double_quoted(current)
                quoted = True
            elif char == "$":
                current.append(self._dollar())
            else:
                current.append(char)
                self.position += 1
        if quoted or any(current) or not split:
            words.append("".join(current))
        return words

    def _escaped(self, current: list[str]) -> None:
        following = self.text[self.position + 1 : self.position + 2]
        current.append(following or self.escape)
        self.position += 2

    def _double_quoted(self, current: list[str]) -> None:
        text, escape = self.text, self.escape
        self.position += 1
        while self.position < len(text):
            char = text[self.position]
            if char == '"':
                self.position += 1
                return
            if char == escape and text[self.position + 1 : self.position + 2] in ('"', "$", escape):
                current.append(text[self.position + 1])
                self.position += 2
            elif char == "$":
                current.append(self._dollar())
            else:
                current.append(char)
                self.position += 1

    def _dollar(self) -> str:
        text = self.text
        start = self.position
        following = text[start + 1 : start + 2]
        if following == "{":
            end = _closing_brace(text, start + 2)
            self.position = end + 1
            return self._braced(text[start + 2 : end], text[start : end + 1])
        match = _NAME.match(text, start + 1)
        if match is None:
            self.position += 1
            return "$"
        self.position = match.end()
        name = match.group()
        value = self.scope.get(name)
        if value is None:
            self.unresolved = True
            return text[start : match.end()]
        return value

    def _braced(self, inner: str, written: str) -> str:
        match = _NAME.match(inner)
        if match is None:
            return written
        name = match.group()
        rest = inner[match.end() :]
        value = self.scope.get(name)
        if not rest:
            if value is None:
                self.unresolved = True
                return written
            return value
        operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
        if operator is None:
            return written
        word = rest[len(operator) :]
        return self._modified(value, operator, word, written)

    def _modified(self, value: str | None, operator: str, word: str, written: str) -> str:
        if operator in (":-", "-"):
            use_default = value is None or (operator == ":-" and value == "")
            return self._expand(word) if use_default else value or ""
        if operator in (":+", "+"):
            if value is None:
                self.unresolved = True
                return ""
            return "" if operator == ":+" and value == "" else self._expand(word)
        if value is None:
            self.unresolved = True
            return written
        if operator in (":?", "?"):
            return value
        if operator in ("#", "##", "%", "%%"):
            return _trim(value, operator, self._expand(word))
        pattern, _, replacement = word.partition("/")
        return _replace(value, self._expand(pattern), self._expand(replacement), operator == "//")

    def _expand(self, word: str) -> str:
        inner = _Lexer(word, self.scope, self.escape)
        result = "".join(inner.words(split=False))
        self.unresolved = self.unresolved or inner.unresolved
        return result


def _closing_brace(text: str, start: int) -> int:
    """Index of the ``}`` that closes a ``${`` opened before ``start`` (end of text if none)."""
    depth = 1
    position = start
    while position < len(text):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return len(text)


def _trim(value: str, operator: str, pattern: str) -> str:
    """``${v#p}`` (shortest prefix), ``##`` (longest), ``%`` and ``%%`` (suffixes)."""
    matcher = re.compile(translate(pattern), re.DOTALL)
    sizes = range(len(value) + 1)
    ordered = sizes if operator in ("#", "%") else reversed(sizes)
    for size in ordered:
        part = value[:size] if operator.startswith("#") else value[len(value) - size :]
        if matcher.match(part):
            return value[size:] if operator.startswith("#") else value[: len(value) - size]
    return value


def _replace(value: str, pattern: str, replacement: str, every: bool) -> str:
    """``${v/p/r}`` (first match) and ``${v//p/r}`` (every match), ``p`` being a glob."""
    if not pattern:
        return value
    regex = translate(pattern).removeprefix("(?s:").removesuffix(")\\Z")
    return re.sub(regex, lambda _: replacement, value, count=0 if every else 1, flags=re.DOTALL)


def expand_words(text: str, scope: Scope, escape: str = "\\") -> tuple[list[str], bool]:
    """``text`` split into words, quotes removed and variables substituted; and whether some
    variable had no known value."""
    lexer = _Lexer(text, scope, escape)
    return lexer.words(split=True), lexer.unresolved


def expand_word(text: str, scope: Scope, escape: str = "\\") -> tuple[str, bool]:
    """``text`` as one word (blanks kept), quotes removed and variables substituted."""
    lexer = _Lexer(text, scope, escape)
    return "".join(lexer.words(split=False)), lexer.unresolved


def raw_words(text: str, escape: str = "\\") -> Iterator[tuple[int, int]]:
    """Spans of the blank-separated words of ``text``, quotes and escapes left in place;
    lazily, so that reading the leading flags of a long ``RUN`` does not scan all of it."""
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position] in _BLANKS:
            position += 1
        if position >= length:
            break
        start = position
        quote = ""
        while position < length:
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote == '"':
                    position += 1
            elif char == escape:
                position += 1
            elif char in "'\"":
                quote = char
            elif char in _BLANKS:
                break
            position += 1
        yield start, min(position, length)
