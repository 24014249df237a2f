"""Field paths into an audit event, parsed once and read by pre-built closures.

A path is written the way Sigma rules write audit fields, dots between keys:
``objectRef.resource``, ``user.groups``, ``requestObject.spec.containers[*].securityContext.privileged``.

- ``[*]`` reads every item of a list (every value of a mapping: ``requestObject.data[*]``),
  ``[2]`` one item; ``["a.b"]`` is a key holding dots.
- Keys of the string maps ``annotations``, ``labels`` and ``extra`` contain dots and slashes, so
  whatever follows such a segment is one key: ``annotations.authorization.k8s.io/decision``,
  ``user.extra.sigs.k8s.io/aws-iam-authenticator/principalId``.
- ``podSpec.`` stands for the pod spec in ``requestObject`` whatever the kind: ``spec`` of a Pod,
  ``spec.jobTemplate.spec.template.spec`` of a CronJob, ``template.spec`` of a PodTemplate,
  ``spec.template.spec`` of any other resource (Deployment, ReplicaSet, StatefulSet, DaemonSet,
  Job, ReplicationController, and custom resources built the same way). The event's
  ``objectRef.resource`` says which; an event without one is read at every place.
- ``allContainers`` stands for ``containers``, ``initContainers`` and ``ephemeralContainers``
  together: ``podSpec.allContainers[*].securityContext.privileged``.

Reading a path gives :data:`MISSING` when it breaks (a key absent, ``null``, a string where a
mapping was expected …), the value when the path has no wildcard, and a :class:`Values` list of
every value found when it has one (list values found at the end are flattened into it). Read
for an ``every`` test, a wildcard path also gives :data:`MISSING` for each list item that lacks
the rest of the path, so "every mount is read-only" fails on a mount without ``readOnly``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final


class _Missing:
    """The type of :data:`MISSING`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: What reading a path gives when there is nothing there (``null`` included).
MISSING: Final = _Missing()


class Values(list[Any]):
    """Every value a wildcard path found, flattened one level."""

    __slots__ = ()


class _Wildcard:
    __slots__ = ()

    def __repr__(self) -> str:
        return "[*]"


#: The ``[*]`` segment of a path.
WILDCARD: Final = _Wildcard()

Segment = str | int | _Wildcard
Path = tuple[Segment, ...]
Getter = Callable[[dict[str, Any]], Any]

#: Segments after which the rest of the dotted text is one key (string maps with dotted keys).
FLAT_MAPS = frozenset({"annotations", "labels", "extra"})

#: Where ``podSpec`` is found in a request object, by kind of object.
POD_SPEC_ROOTS: tuple[Path, ...] = (
    ("requestObject", "spec"),
    ("requestObject", "spec", "template", "spec"),
    ("requestObject", "spec", "jobTemplate", "spec", "template", "spec"),
    ("requestObject", "template", "spec"),
)
#: Which of those roots to read, by ``objectRef.resource``; any other resource has a template.
POD_SPEC_BY_RESOURCE: dict[str, Path] = {
    "pods": POD_SPEC_ROOTS[0],
    "cronjobs": POD_SPEC_ROOTS[2],
    "podtemplates": POD_SPEC_ROOTS[3],
}
TEMPLATE_ROOT = POD_SPEC_ROOTS[1]
POD_SPEC = "podSpec"
ALL_CONTAINERS = "allContainers"
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")

_TOKEN = re.compile(
    r"""\[\*\]|\[(?P<index>\d+)\]|\[(?P<quote>["'])(?P<quoted>.*?)(?P=quote)\]|(?P<key>[^.\[\]]+)"""
)


class PathError(ValueError):
    """A field path that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A field as a rule names it, and the path(s) it reads."""

    text: str
    """The field as written, e.g. ``podSpec.containers[*].image``."""
    paths: tuple[Path, ...]
    """One path, or several whose values are read together (``podSpec``)."""
    by_resource: tuple[tuple[str, tuple[Path, ...]], ...] = ()
    """For ``podSpec``: the paths to read for an event about each resource; ``paths`` holds
    them all, read when the event names no resource."""
    otherwise: tuple[Path, ...] = ()
    """For ``podSpec``: the paths to read for any other resource (a template)."""

    @property
    def multi_valued(self) -> bool:
        """Whether reading it gives a :class:`Values` list rather than one value."""
        return len(self.paths) > 1 or any(WILDCARD in path for path in self.paths)

    @property
    def cost(self) -> int:
        """A rough relative cost of reading it, to test cheap fields first."""
        return sum(len(path) for path in self.paths) * (4 if self.multi_valued else 1)


def parse_field(text: str) -> FieldRef:
    """The :class:`FieldRef` for a dotted field name; :class:`PathError` if it is malformed."""
    if not isinstance(text, str) or not text.strip():
        raise PathError("a field name must be a non-empty string")
    path = _parse_path(text.strip())
    if path[0] != POD_SPEC:
        return FieldRef(text, tuple(_containers(path)))
    rest = path[1:]
    return FieldRef(
        text,
        tuple(found for root in POD_SPEC_ROOTS for found in _containers(root + rest)),
        by_resource=tuple(
            (resource, tuple(_containers(root + rest)))
            for resource, root in POD_SPEC_BY_RESOURCE.items()
        ),
        otherwise=tuple(_containers(TEMPLATE_ROOT + rest)),
    )


def _containers(path: Path) -> list[Path]:
    """``path`` with an ``allContainers`` segment expanded into the three container lists."""
    if ALL_CONTAINERS not in path:
        return [path]
    position = path.index(ALL_CONTAINERS)
    return [
        expanded
        for name in CONTAINER_LISTS
        for expanded in _containers((*path[:position], name, *path[position + 1 :]))
    ]


def _parse_path(text: str) -> Path:
    segments: list[Segment] = []
    position = 0
    expect_dot = False
    while position < len(text):
        if expect_dot and text[position] == ".":
            position += 1
            if segments and isinstance(segments[-1], str) and segments[-1] in FLAT_MAPS:
                rest = text[position:]
                if rest and not rest.startswith("["):
                    segments.append(rest)
                    return tuple(segments)
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise PathError(f"cannot read field {text!r} at character {position + 1}")
        if match.group("key") is not None:
            if expect_dot and text[position - 1] != ".":
                raise PathError(f"missing '.' before {match.group('key')!r} in field {text!r}")
            segments.append(match.group("key"))
        elif match.group("index") is not None:
            segments.append(int(match.group("index")))
        elif match.group("quote") is not None:
            segments.append(match.group("quoted"))
        else:
            segments.append(WILDCARD)
        position = match.end()
        expect_dot = True
    if not segments or text.endswith("."):
        raise PathError(f"field {text!r} ends with '.'")
    return tuple(segments)


def getter(field: FieldRef, *, every: bool = False) -> Getter:
    """A function reading ``field`` from an event's data (see the module docstring)."""
    if field.by_resource:
        return _by_resource(field, every)
    if field.multi_valued:
        paths = field.paths

        def read_all(data: dict[str, Any]) -> Any:
            found = Values()
            for path in paths:
                _collect(data, path, 0, found, every, inside=False)
            return found

        return read_all
    path = field.paths[0]
    if len(path) == 1 and isinstance(path[0], str):
        return _top_level(path[0])
    if len(path) == 2 and isinstance(path[0], str) and isinstance(path[1], str):
        return _second_level(path[0], path[1])

    def read_one(data: dict[str, Any]) -> Any:
        node: Any = data
        for part in path:
            if isinstance(part, str):
                if type(node) is not dict:
                    return MISSING
                node = node.get(part)
            elif type(node) is list and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return MISSING
        return MISSING if node is None else node

    return read_one


def _by_resource(field: FieldRef, every: bool) -> Getter:
    """Read only the paths that fit the event's resource (all of them when it names none)."""
    table = dict(field.by_resource)
    otherwise, every_path = field.otherwise, field.paths

    def read_chosen(data: dict[str, Any]) -> Any:
        ref = data.get("objectRef")
        resource = ref.get("resource") if type(ref) is dict else None
        paths = table.get(resource, otherwise) if type(resource) is str else every_path
        found = Values()
        for path in paths:
            _collect(data, path, 0, found, every, inside=False)
        return found

    return read_chosen


def _top_level(key: str) -> Getter:
    def read(data: dict[str, Any]) -> Any:
        value = data.get(key)
        return MISSING if value is None else value

    return read


def _second_level(outer: str, inner: str) -> Getter:
    def read(data: dict[str, Any]) -> Any:
        node = data.get(outer)
        if type(node) is not dict:
            return MISSING
        value = node.get(inner)
        return MISSING if value is None else value

    return read


def _collect(
    node: Any, path: Path, start: int, found: Values, every: bool, *, inside: bool
) -> None:
    """Append the values at ``path[start:]`` below ``node``; ``inside``: below a wildcard."""
    for position in range(start, len(path)):
        part = path[position]
        if part is WILDCARD:
            items = node if type(node) is list else node.values() if type(node) is dict else ()
            for item in items:
                _collect(item, path, position + 1, found, every, inside=True)
            return
        if isinstance(part, str) and type(node) is dict:
            node = node.get(part)
        elif type(node) is list and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        if node is None:
            if every and inside:
                found.append(MISSING)
            return
    if type(node) is list:
        found.extend(item for item in node if item is not None)
    else:
        found.append(node)


def read_field(data: dict[str, Any], field: FieldRef) -> Any:
    """The value(s) of ``field`` in ``data`` (slow path: for messages and evidence)."""
    return getter(field)(data)
