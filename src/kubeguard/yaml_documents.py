"""YAML and JSON documents read the way kubectl reads them, with line numbers.

libyaml (PyYAML's C parser) builds the node tree; this module turns nodes into plain Python values
itself rather than through PyYAML's constructor, for three reasons:

- every mapping and list remembers the line of each entry (:class:`LineMap`, :class:`LineList`),
  so a finding can point at the offending field;
- input is untrusted: tags never construct anything but strings, lists and dicts, and alias
  expansion is bounded (a billion-laughs document is refused, as kubectl's YAML library does);
- YAML 1.1 as kubectl accepts it: ``yes``/``on`` booleans, merge keys ``<<``, duplicate keys (the
  last wins), the ``=`` scalar that PyYAML cannot construct, timestamps and base-60 numbers
  (``1:30``) kept as text, exponents without a dot (``1e3``) read as floats.

Files are split into documents on ``---`` lines exactly as kubectl's reader does, so one broken
document does not hide the ones after it.

Manifests are read with ``defer_lines``: a document that :mod:`kubeguard.yaml_rapid` can read
with the same result is read that way, several times faster, and its line numbers come from
reading it again the exact way only when a finding first asks for one (most documents of a large
input, CRDs above all, never do).

The module sits below sources and engines because both read YAML: sources read manifests, and
posture controls read documents embedded in a manifest's strings (the ``aws-auth`` ConfigMap's
``mapRoles``), with the same limits and line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubeguard.model import FieldPath, LineList, LineMap, SourceError, SourceLocation, line_of
from kubeguard.yaml_rapid import EMPTY, rapid_readable, rapid_value

#: Most nodes one document may expand to through aliases (kubectl's YAML library caps aliasing
#: in the same spirit); far above any real manifest, far below what exhausts memory.
MAX_EXPANDED_NODES = 1_000_000

#: Deepest nesting of mappings and lists accepted; real manifests, CRD schemas included, stay
#: under 40, and libyaml itself stops at 1,000.
MAX_DEPTH = 200

# kubectl's YAMLReader ends a document at a line that starts with "---" followed only by blanks or
# a comment. The pattern leaves out the line start (checked in split_documents) because a
# pattern starting with a literal is searched several times faster.
_SEPARATOR = re.compile(r"---[ \t]*(?:#[^\n]*)?$", re.MULTILINE)

# Where a document's content starts: the first line that is neither blank nor a comment.
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TRUE_WORDS = frozenset({"yes", "true", "on", "y"})

_SCALARS = SafeConstructor()


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed YAML document."""

    value: Any
    """The document's content: LineMap, LineList, a scalar, or ``None`` when empty."""
    location: SourceLocation
    """Where the document starts."""
    lines: DeferredLines | None = None
    """Where its fields are written, when ``value`` was read without line maps."""


def split_documents(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(first_line, text)`` for each ``---``-separated chunk, lines counted from 1."""
    start = 0
    line = 1
    for match in _SEPARATOR.finditer(text):
        if match.start() and text[match.start() - 1] != "\n":
            continue
        chunk = text[start : match.start()]
        yield line, chunk
        line += chunk.count("\n") + match.group().count("\n")
        start = match.end()
    yield line, text[start:]


def read_documents(
    text: str, path: str, *, defer_lines: bool = False
) -> Iterator[Document | SourceError]:
    """Parse every document of ``text``; a broken one yields its error and parsing goes on.

    With ``defer_lines``, documents are read the fast way where that gives the same values, and
    carry :class:`DeferredLines` instead of line maps.
    """
    syntax = "JSON" if path.lower().endswith(".json") else "YAML"
    index = 0
    fast = defer_lines and rapid_readable(text)
    for first_line, chunk in split_documents(text):
        if not chunk or chunk.isspace():
            continue
        if fast:
            value = rapid_value(chunk, _implicit_tag, _plain_key_text)
            if value is EMPTY:
                continue
            if value is not None:
                start = _CONTENT.search(chunk)
                line = first_line + (chunk.count("\n", 0, start.start()) if start else 0)
                lines = DeferredLines(_ExactReading(chunk, first_line))
                yield Document(value, SourceLocation(path, line, None, index), lines)
                index += 1
                continue
        loader = _Loader(chunk)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:
                    break
                location = SourceLocation(path, first_line + node.start_mark.line, None, index)
                try:
                    value = _Builder(first_line).build(node)
                except SourceError as error:
                    yield SourceError(error.message, location=_at(error, path, index))
                else:
                    yield Document(value, location)
                index += 1
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = first_line + mark.line if mark else first_line
            column = mark.column + 1 if mark else None
            problem = error.problem or error.context or "unreadable"
            yield SourceError(
                f"invalid {syntax}: {problem}", location=SourceLocation(path, line, column, index)
            )
            index += 1
        except yaml.YAMLError as error:
            yield SourceError(
                f"invalid {syntax}: {error}", location=SourceLocation(path, first_line, None, index)
            )
            index += 1
        finally:
            loader.dispose()


def _at(error: SourceError, path: str, index: int) -> SourceLocation:
    line = error.location.line if error.location else None
    return SourceLocation(path, line, None, index)


class DeferredLines:
    """Line numbers of a document read the fast way, or of an object nested in one (a List item).

    The document is read again the exact way, with line maps, the first time a line is asked for.
    """

    __slots__ = ("_prefix", "_reading")

    def __init__(self, reading: _ExactReading, prefix: FieldPath = ()) -> None:
        self._reading = reading
        self._prefix = prefix

    def line_of(self, path: FieldPath) -> int | None:
        """The line of ``path`` (or of its nearest existing parent); ``None`` if unknown."""
        return line_of(self._reading.value(), self._prefix + path)

    def within(self, prefix: FieldPath) -> DeferredLines:
        """The lines of the value at ``prefix``, with paths relative to it."""
        return DeferredLines(self._reading, self._prefix + prefix)


class _ExactReading:
    """One document's text, read the exact way once, on demand."""

    __slots__ = ("_first_line", "_text", "_value")

    def __init__(self, text: str, first_line: int) -> None:
        self._text: str | None = text
        self._first_line = first_line
        self._value: Any = None

    def value(self) -> Any:
        if self._text is not None:
            loader = _LineLoader(self._text)
            try:
                node = loader.get_node() if loader.check_node() else None
                self._value = None if node is None else _LineBuilder(self._first_line).build(node)
            except (yaml.YAMLError, SourceError):
                self._value = None
            finally:
                loader.dispose()
            self._text = None
        return self._value


# Implicit tags by first character, as PyYAML's YAML 1.1 resolver has them, minus the ones whose
# value stays text anyway (timestamps, '=' and the '!&*' placeholders).
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag in (_NULL, _BOOL, _INT, _FLOAT, _MERGE)
    ]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if first is not None
}

# kubectl's YAML library (go-yaml v2) also reads an exponent without a dot or a sign as a float
# (``1e3``, ``2E-5``), where PyYAML's YAML 1.1 resolver keeps the text.
_KUBECTL_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
for _first in "-+.0123456789":
    _IMPLICIT.setdefault(_first, []).append((_FLOAT, _KUBECTL_FLOAT))


class _Loader(yaml.CSafeLoader):
    """libyaml's parser and composer with a leaner tag resolver.

    The composer asks for a tag for every node; PyYAML's general resolver also walks path
    resolvers nobody registers here, and costs a third of the parse.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _implicit_tag(value) if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


class _LineLoader(_Loader):
    """A loader for line numbers only: every scalar is left untyped.

    The fast reading took the document only if each key reads as its text, so untyped keys
    are the keys of the fast reading's values.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def _implicit_tag(plain: str) -> str:
    """The tag YAML 1.1 gives a plain scalar, as kubectl's YAML library reads it."""
    for tag, regexp in _IMPLICIT.get(plain[:1], ()):
        if regexp.match(plain):
            # go-yaml never read YAML 1.1's base-60 numbers (``1:30`` is text to kubectl, 90 to
            # PyYAML); a clock time in an env value must not become a wrong-typed number.
            if tag in (_INT, _FLOAT) and ":" in plain:
                return _STR
            return tag
    return _STR


def _plain_key_text(plain: str) -> str:
    """The text a plain mapping key written as ``plain`` becomes."""
    return _scalar_key(ScalarNode(_implicit_tag(plain), plain))


class _Builder:
    """Turns one node tree into Python values.

    Aliases share the value already built; what a consumer would walk through them is counted,
    and a document expanding past MAX_EXPANDED_NODES is refused. Nesting deeper than MAX_DEPTH
    (real manifests stay under 40) is refused before Python's own recursion limit is reached.
    """

    def __init__(self, first_line: int) -> None:
        self._offset = first_line
        self._built: dict[int, Any] = {}
        self._open: set[int] = set()
        self._sizes: dict[int, int] = {}
        self._expanded = 0
        self._depth = 0

    def build(self, node: Node) -> Any:
        if type(node) is ScalarNode:
            return self._scalar(node)
        return self._collection(node)

    def _scalar(self, node: ScalarNode) -> Any:
        return _scalar(node)

    def _error(self, message: str, node: Node) -> SourceError:
        return SourceError(
            message, location=SourceLocation("", self._offset + node.start_mark.line)
        )

    def _collection(self, node: Node) -> Any:
        key = id(node)
        known = self._built.get(key)
        if known is not None:
            self._count(self._size_of(known), node)
            return known
        if key in self._open:
            raise self._error("recursive alias: a node contains itself", node)
        self._count(1, node)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._error(f"nested deeper than {MAX_DEPTH} levels", node)
        self._open.add(key)
        if isinstance(node, MappingNode):
            value: LineMap | LineList = self._mapping(node)
        elif isinstance(node, SequenceNode):
            value = self._sequence(node)
        else:  # pragma: no cover - libyaml composes only scalars, sequences and mappings
            raise self._error("unsupported YAML node", node)
        self._open.discard(key)
        self._depth -= 1
        self._built[key] = value
        return value

    def _count(self, size: int, node: Node) -> None:
        self._expanded += size
        if self._expanded > MAX_EXPANDED_NODES:
            raise self._error(
                f"document expands to more than {MAX_EXPANDED_NODES:,} nodes through aliases "
                "(an alias bomb?)",
                node,
            )

    def _size_of(self, value: Any) -> int:
        """Collections a walk over ``value`` visits, aliases expanded; memoised."""
        if not isinstance(value, LineMap | LineList):
            return 0
        known = self._sizes.get(id(value))
        if known is None:
            children = value.values() if isinstance(value, LineMap) else value
            known = 1 + sum(self._size_of(child) for child in children)
            self._sizes[id(value)] = known
        return known

    def _sequence(self, node: SequenceNode) -> LineList:
        items = LineList()
        lines = []
        offset = self._offset
        for child in node.value:
            items.append(
                self._scalar(child) if type(child) is ScalarNode else self._collection(child)
            )
            lines.append(offset + child.start_mark.line)
        items.item_lines = lines
        return items

    def _mapping(self, node: MappingNode) -> LineMap:
        mapping = LineMap()
        lines: dict[str, int] = {}
        offset = self._offset
        merged: list[LineMap] = []
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            elif key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            else:
                key = self._key_text(key_node)
            if type(value_node) is ScalarNode:
                mapping[key] = self._scalar(value_node)
            else:
                mapping[key] = self._collection(value_node)
            lines[key] = offset + key_node.start_mark.line
        for source in merged:
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value
                    lines[key] = source.key_lines.get(key, offset + node.start_mark.line)
        mapping.key_lines = lines
        return mapping

    def _key_text(self, node: Node) -> str:
        """Keys become strings, as in the JSON kubectl sends (``true``, ``80``, ``=``)."""
        if isinstance(node, ScalarNode):
            return _scalar_key(node)
        raise self._error("mapping keys must be scalars", node)

    def _merge_sources(self, node: Node) -> list[LineMap]:
        candidates = node.value if isinstance(node, SequenceNode) else [node]
        sources = []
        for candidate in candidates:
            value = self.build(candidate)
            if not isinstance(value, LineMap):
                raise self._error("merge key '<<' needs a mapping or a list of mappings", candidate)
            self._count(self._size_of(value), candidate)
            sources.append(value)
        return sources


class _LineBuilder(_Builder):
    """Line maps without the scalars: what :class:`DeferredLines` looks lines up in."""

    def _scalar(self, node: ScalarNode) -> Any:
        return None


def _scalar_key(node: ScalarNode) -> str:
    value = _scalar(node)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(node.value) if value is None else str(value)


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return node.value.lower() in _TRUE_WORDS
    if tag == _INT:
        return _SCALARS.construct_yaml_int(node)
    if tag == _FLOAT:
        return _SCALARS.construct_yaml_float(node)
    # Timestamps, binary, '=' (the YAML 1.1 value type) and any custom tag stay text: nothing in
    # an untrusted manifest may construct other objects.
    return node.value
