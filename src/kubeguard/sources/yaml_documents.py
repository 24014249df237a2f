"""YAML and JSON documents read the way kubectl reads them, with line numbers.

libyaml (PyYAML's C parser) builds the node tree; this module turns nodes into plain Python values
itself rather than through PyYAML's constructor, for three reasons:

- every mapping and list remembers the line of each entry (:class:`LineMap`, :class:`LineList`),
  so a finding can point at the offending field;
- input is untrusted: tags never construct anything but strings, lists and dicts, and alias
  expansion is bounded (a billion-laughs document is refused, as kubectl's YAML library does);
- YAML 1.1 as kubectl accepts it: ``yes``/``on`` booleans, merge keys ``<<``, duplicate keys (the
  last wins), the ``=`` scalar that PyYAML cannot construct, timestamps kept as text.

Files are split into documents on ``---`` lines exactly as kubectl's reader does, so one broken
document does not hide the ones after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubeguard.model import LineList, LineMap, SourceError, SourceLocation

#: Most nodes one document may expand to through aliases (kubectl's YAML library caps aliasing
#: in the same spirit); far above any real manifest, far below what exhausts memory.
MAX_EXPANDED_NODES = 1_000_000

# kubectl's YAMLReader ends a document at a line that starts with "---" followed only by blanks or
# a comment.
_SEPARATOR = re.compile(r"^---[ \t]*(?:#[^\n]*)?$", re.MULTILINE)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_TRUE_WORDS = frozenset({"yes", "true", "on", "y"})

_SCALARS = SafeConstructor()


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed YAML document."""

    value: Any
    """The document's content: LineMap, LineList, a scalar, or ``None`` when empty."""
    location: SourceLocation
    """Where the document starts."""


def split_documents(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(first_line, text)`` for each ``---``-separated chunk, lines counted from 1."""
    start = 0
    line = 1
    for match in _SEPARATOR.finditer(text):
        chunk = text[start : match.start()]
        yield line, chunk
        line += chunk.count("\n") + match.group().count("\n")
        start = match.end()
    yield line, text[start:]


def read_documents(text: str, path: str) -> Iterator[Document | SourceError]:
    """Parse every document of ``text``; a broken one yields its error and parsing goes on."""
    syntax = "JSON" if path.lower().endswith(".json") else "YAML"
    index = 0
    for first_line, chunk in split_documents(text):
        if not chunk.strip():
            continue
        loader = yaml.CSafeLoader(chunk)
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


class _Builder:
    """Turns one node tree into Python values, bounding alias expansion."""

    def __init__(self, first_line: int) -> None:
        self._line_offset = first_line
        self._built: dict[int, tuple[Any, int]] = {}
        self._expanded = 0

    def _line(self, node: Node) -> int:
        return int(self._line_offset + node.start_mark.line)

    def build(self, node: Node) -> Any:
        value, _ = self._build(node)
        return value

    def _build(self, node: Node) -> tuple[Any, int]:
        """Return the value and how many nodes it expands to."""
        known = self._built.get(id(node))
        if known is not None:
            # An alias: the value is shared, but a consumer walking it pays its full size.
            self._count(known[1], node)
            return known
        if isinstance(node, ScalarNode):
            result: tuple[Any, int] = (_scalar(node), 1)
        elif isinstance(node, SequenceNode):
            result = self._sequence(node)
        elif isinstance(node, MappingNode):
            result = self._mapping(node)
        else:  # pragma: no cover - libyaml produces only the three node kinds
            raise SourceError("unsupported YAML node")
        self._count(1, node)
        self._built[id(node)] = result
        return result

    def _count(self, size: int, node: Node) -> None:
        self._expanded += size
        if self._expanded > MAX_EXPANDED_NODES:
            raise SourceError(
                f"document expands to more than {MAX_EXPANDED_NODES:,} nodes through aliases "
                "(an alias bomb?)",
                location=SourceLocation("", self._line(node)),
            )

    def _sequence(self, node: SequenceNode) -> tuple[LineList, int]:
        items = LineList()
        lines = []
        size = 1
        for child in node.value:
            value, child_size = self._build(child)
            items.append(value)
            lines.append(self._line(child))
            size += child_size
        items.item_lines = lines
        return items, size

    def _mapping(self, node: MappingNode) -> tuple[LineMap, int]:
        mapping = LineMap()
        lines: dict[str, int] = {}
        size = 1
        merged: list[tuple[LineMap, int]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            value, child_size = self._build(value_node)
            key = self._key_text(key_node)
            mapping[key] = value
            lines[key] = self._line(key_node)
            size += child_size
        for source, source_size in merged:
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value
                    lines[key] = source.key_lines.get(key, self._line(node))
            size += source_size
        mapping.key_lines = lines
        return mapping, size

    def _key_text(self, node: Node) -> str:
        """Keys become strings, as in the JSON kubectl sends (``true``, ``80``, ``=``)."""
        if isinstance(node, ScalarNode):
            value = _scalar(node)
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(node.value) if value is None else str(value)
        raise SourceError(
            "mapping keys must be scalars", location=SourceLocation("", self._line(node))
        )

    def _merge_sources(self, node: Node) -> list[tuple[LineMap, int]]:
        candidates = node.value if isinstance(node, SequenceNode) else [node]
        sources = []
        for candidate in candidates:
            value, size = self._build(candidate)
            if not isinstance(value, LineMap):
                raise SourceError(
                    "merge key '<<' needs a mapping or a list of mappings",
                    location=SourceLocation("", self._line(candidate)),
                )
            sources.append((value, size))
        return sources


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
