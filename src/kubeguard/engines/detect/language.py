"""The detection rule language: Sigma-shaped YAML, extended for Kubernetes audit events.

A rule file holds one rule per YAML document, in the shape of the SigmaHQ rules for
``kubernetes/audit``, so those load unchanged::

    title: Exec into a kube-system pod
    id: 4e6f5b43-0b4f-4ab6-9b7e-5f1f3c2b6e11
    status: stable
    description: A command was run inside a pod of kube-system.
    logsource: {product: kubernetes, service: audit}
    detection:
      selection:
        objectRef.resource: pods
        objectRef.subresource: exec
        objectRef.namespace: kube-system
        verb: [create, get]          # EKS logs exec over WebSocket as get
      condition: selection and exec_started
    level: medium
    tags: [attack.execution, attack.t1609]
    kubeguard:
      finding_type: Execution:Kubernetes/ExecInKubeSystemPod
      output: "{user.username} ran {requestURI} in {objectRef.namespace}/{objectRef.name}"
      aggregate: {window: 10m, by: [user.username, objectRef.name]}

**Selections.** A mapping is the conjunction of its fields; a list of mappings is their
disjunction. A field holds one value or a list of values (any of them). ``null`` means the field
is absent. A value with ``*`` or ``?`` is a shell pattern (``\\*`` is a literal star).

**Field names** are dotted paths into the event (see :mod:`kubeguard.engines.detect.fields`):
``[*]`` reads every list item, ``podSpec.`` is the pod spec of any workload's request object, and
keys of ``annotations``, ``labels`` and ``extra`` keep their dots.

**Modifiers** follow the field after ``|``: ``contains``, ``startswith``, ``endswith``, ``re``
(Python regular expression, searched), ``cidr``, ``gt``, ``gte``, ``lt``, ``lte``, ``exists``
(``true``/``false``), ``all`` (every listed value must match, as in Sigma), ``every`` (every value
the field holds must match, instead of any), ``expand`` (``'%name%'`` stands for the items of a
list), ``threat_list`` (the value is on a named IP list given at run time; ``cidr_list`` is the
same), ``ignorecase``, and ``cased`` (accepted for Sigma; matching is case-sensitive anyway).

**Conditions** combine selection names with ``and``, ``or``, ``not`` and parentheses, plus
``1 of selection_*``, ``all of selection_*``, ``1 of them`` and ``all of them``. A name that is not
one of the rule's selections is a macro.

**Lists and macros** are shared by every rule file loaded. A document without ``detection``
defines them::

    lists:
      kube_namespaces: [kube-system, kube-public]
      trusted_images: {append: ["registry.example/agent:*"]}   # extend a list defined earlier
    macros:
      successful:                    # a selection …
        responseStatus.code|gte: 200
        responseStatus.code|lt: 300
      exec_started:                  # … or a small detection with its own condition
        started: {responseStatus.code: 101}
        condition: started or successful

``{replace: [...]}`` replaces a list's items; list items may name other lists as ``'%name%'``.

**The ``kubeguard`` block** (all optional): ``finding_type`` (default: the first ATT&CK tactic and
the title, ``Execution:Kubernetes/ExecIntoAKubeSystemPod``), ``severity`` (default: from
``level``), ``layer`` (default ``detective``), ``output`` (a message with ``{field}``
placeholders), ``aggregate`` (``window`` such as ``30s``, ``10m``, ``1h`` or ``0``, and ``by``,
the fields whose values repeats share; default ten minutes per user and object),
``remediation`` and ``refs`` (equivalent rules of other tools, by tool).

Every problem in every file is collected and reported together, each with its file, line and
rule, when loading fails (:class:`RuleSetError`).
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kubeguard.engines.detect.attack import TACTICS, tactics_of, tag_problem
from kubeguard.engines.detect.fields import FieldRef, PathError, parse_field
from kubeguard.engines.detect.predicates import (
    FALSE,
    And,
    Cidr,
    Compare,
    Contains,
    EndsWith,
    Equals,
    Exists,
    FieldTest,
    Glob,
    InList,
    Match,
    Node,
    Not,
    Or,
    Regex,
    Scalar,
    StartsWith,
    is_glob,
    unescape,
)
from kubeguard.engines.detect.rule import (
    LEVELS,
    Aggregation,
    DetectionRule,
    Template,
    default_aggregation,
)
from kubeguard.model import KubeguardError, Layer, LineMap, RuleError, Severity, SourceLocation
from kubeguard.yaml_documents import read_documents

#: Where the built-in rules are, inside the package.
BUILTIN_FOLDER = "rules"
#: How built-in rule files are named in messages and in a rule's source.
BUILTIN_PREFIX = "builtin"
RULE_SUFFIXES = (".yml", ".yaml")

_FINDING_TYPE = r"^[A-Za-z]+:Kubernetes/[A-Za-z0-9.!]+$"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_LIST_REFERENCE = re.compile(r"^%([A-Za-z0-9_.\-]+)%$")
_OPERATORS = frozenset(
    {
        "contains",
        "startswith",
        "endswith",
        "re",
        "cidr",
        "gt",
        "gte",
        "lt",
        "lte",
        "exists",
        "threat_list",
        "cidr_list",
    }
)
_FLAGS = frozenset({"all", "every", "expand", "ignorecase", "cased"})
_TOKENS = re.compile(r"\s*(?:(\()|(\))|([A-Za-z0-9_*.\-]+)|(\S))")


class RuleSetError(KubeguardError):
    """Rule files are invalid; :attr:`errors` holds every problem found, each with its place."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,))


# -- document schemas ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _LogSource(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    product: Literal["kubernetes"]
    service: Literal["audit"]
    category: str | None = None


class _Aggregate(_Strict):
    window: str | int = "10m"
    by: list[str] | None = None

    @field_validator("window")
    @classmethod
    def _duration(cls, value: str | int) -> str | int:
        parse_duration(value)
        return value


class _Extension(_Strict):
    finding_type: Annotated[str, Field(pattern=_FINDING_TYPE)] | None = None
    severity: Severity | None = None
    layer: Layer = Layer.DETECTIVE
    output: str | None = None
    aggregate: _Aggregate | None = None
    remediation: str = ""
    refs: dict[str, list[str]] = Field(default_factory=dict)


class _RuleDocument(_Strict):
    title: Annotated[str, Field(min_length=1, max_length=256)]
    id: uuid.UUID
    name: str | None = None
    status: Literal["stable", "test", "experimental", "deprecated", "unsupported"] = "experimental"
    description: str = ""
    references: list[str] = Field(default_factory=list)
    author: str | None = None
    date: str | None = None
    modified: str | None = None
    license: str | None = None
    logsource: _LogSource
    detection: dict[str, Any]
    level: Literal["informational", "low", "medium", "high", "critical"]
    tags: list[str] = Field(default_factory=list)
    falsepositives: list[str] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)
    related: list[dict[str, Any]] = Field(default_factory=list)
    scope: list[str] = Field(default_factory=list)
    kubeguard: _Extension | None = None

    @field_validator("tags")
    @classmethod
    def _attack_tags(cls, tags: list[str]) -> list[str]:
        problems = [problem for tag in tags if (problem := tag_problem(tag))]
        if problems:
            raise ValueError("; ".join(problems))
        return tags


class _ListChange(_Strict):
    append: list[Scalar] | None = None
    replace: list[Scalar] | None = None


class _LibraryDocument(_Strict):
    lists: dict[str, list[Scalar] | _ListChange] = Field(default_factory=dict)
    macros: dict[str, Any] = Field(default_factory=dict)


def parse_duration(value: str | int) -> datetime.timedelta:
    """``30s``, ``10m``, ``1h``, ``2d`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like 10m")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return datetime.timedelta(seconds=value)
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a duration (examples: 30s, 10m, 1h, 2d, 0)")
    return datetime.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


# -- the loaded rule set ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule loaded, with the lists and macros they share."""

    rules: tuple[DetectionRule, ...]
    lists: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    macros: Mapping[str, Node] = field(default_factory=dict)

    def by_id(self, rule_id: str) -> DetectionRule | None:
        """The rule with this id, if loaded."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@dataclass(frozen=True, slots=True)
class _RuleFile:
    """One file to load: its name in messages and its text."""

    name: str
    text: str
    builtin: bool
    rules_wanted: bool = True
    """False to take only the lists and macros of the file (built-in rules turned off)."""


def builtin_rule_files() -> list[Traversable]:
    """The built-in rule files, sorted by name."""
    folder = resources.files("kubeguard.engines.detect").joinpath(BUILTIN_FOLDER)
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(RULE_SUFFIXES)),
        key=lambda item: item.name,
    )


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Rule files named or found (recursively, sorted) in the folders named."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.suffix in RULE_SUFFIXES and candidate.is_file()
            )
        else:
            found.append(path)
    return found


def load_rules(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """The built-in rules (unless ``builtin=False``) and those in ``paths`` (files or folders).

    The built-in lists and macros are loaded either way.

    Raises :class:`RuleSetError` with every problem found when any file is invalid.
    """
    files: list[_RuleFile] = []
    errors: list[RuleError] = []
    # The built-in lists and macros are always loaded: user rules may build on them.
    files += [
        _RuleFile(f"{BUILTIN_PREFIX}/{item.name}", item.read_text(encoding="utf-8"), True, builtin)
        for item in builtin_rule_files()
    ]
    for path in rule_files(paths):
        try:
            files.append(_RuleFile(str(path), path.read_text(encoding="utf-8"), False))
        except (OSError, UnicodeDecodeError) as error:
            errors.append(
                RuleError(f"cannot read rule file: {error}", location=SourceLocation(str(path)))
            )
    return _Loader(files, errors).load()


@dataclass(frozen=True, slots=True)
class _Where:
    """A rule's place and name, for its error messages."""

    location: SourceLocation
    label: str


@dataclass(slots=True)
class _Draft:
    """A rule document that passed the schema, waiting for lists and macros."""

    document: _RuleDocument
    raw: LineMap
    location: SourceLocation
    builtin: bool

    @property
    def label(self) -> str:
        return f"rule {self.document.title!r} ({self.document.id})"


@dataclass(slots=True)
class _MacroDefinition:
    value: Any
    location: SourceLocation
    node: Node | None = None
    failed: bool = False


class _Problem(Exception):
    """One problem in a rule, raised inside translation and collected by the loader."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.others: list[_Problem] = []
        """More problems found in the same part of the rule."""

    @staticmethod
    def group(problems: list[_Problem]) -> _Problem:
        """One exception carrying several problems."""
        first = problems[0]
        first.others = [*first.others, *problems[1:]]
        return first

    def each(self) -> list[_Problem]:
        """This problem and the others it carries."""
        return [self, *(item for other in self.others for item in other.each())]


class _Loader:
    def __init__(self, files: list[_RuleFile], errors: list[RuleError]) -> None:
        self._files = files
        self._errors = errors
        self._drafts: list[_Draft] = []
        # Rules whose other fields are invalid still have their detection checked, so one run
        # reports every problem of a rule.
        self._unchecked: list[tuple[dict[str, Any], LineMap | None, _Where]] = []
        self._list_definitions: dict[str, tuple[list[Scalar], SourceLocation]] = {}
        self._list_changes: list[tuple[str, _ListChange, SourceLocation]] = []
        self._lists: dict[str, tuple[Scalar, ...]] = {}
        self._macros: dict[str, _MacroDefinition] = {}

    def load(self) -> RuleSet:
        for rule_file in self._files:
            self._read_file(rule_file)
        self._resolve_lists()
        for detection, lines, where in self._unchecked:
            self._detection(detection, lines, where)
        rules = [rule for draft in self._drafts if (rule := self._rule(draft)) is not None]
        self._check_unique(rules)
        if self._errors:
            raise RuleSetError(self._errors)
        macros = {
            name: definition.node for name, definition in self._macros.items() if definition.node
        }
        return RuleSet(tuple(rules), dict(self._lists), macros)

    def _error(self, message: str, location: SourceLocation, label: str = "") -> None:
        prefix = f"{label}: " if label else ""
        self._errors.append(RuleError(prefix + message, location=location))

    # -- pass 1: documents -------------------------------------------------------------------

    def _read_file(self, rule_file: _RuleFile) -> None:
        for item in read_documents(rule_file.text, rule_file.name):
            if isinstance(item, KubeguardError):
                self._errors.append(RuleError(item.message, location=item.location))
                continue
            value, location = item.value, item.location
            if value is None:
                continue
            if not isinstance(value, LineMap):
                self._error("a rule document must be a mapping", location)
            elif "detection" in value or "title" in value:
                if rule_file.rules_wanted:
                    self._read_rule(value, location, rule_file.builtin)
            elif "lists" in value or "macros" in value:
                self._read_library(value, location)
            else:
                self._error(
                    "neither a rule (title, detection …) nor a library (lists, macros)", location
                )

    def _read_rule(self, value: LineMap, location: SourceLocation, builtin: bool) -> None:
        try:
            document = _RuleDocument.model_validate(value)
        except ValidationError as error:
            title = value.get("title")
            label = f"rule {title!r}" if isinstance(title, str) else "rule"
            for problem in error.errors():
                self._error(
                    _pydantic_message(problem),
                    location.at_line(_line_of(value, problem["loc"])),
                    label,
                )
            detection = value.get("detection")
            if isinstance(detection, LineMap) and not any(
                problem["loc"][:1] == ("detection",) for problem in error.errors()
            ):
                self._unchecked.append((detection, detection, _Where(location, label)))
            return
        self._drafts.append(_Draft(document, value, location, builtin))

    def _read_library(self, value: LineMap, location: SourceLocation) -> None:
        try:
            library = _LibraryDocument.model_validate(value)
        except ValidationError as error:
            for problem in error.errors():
                self._error(
                    _pydantic_message(problem), location.at_line(_line_of(value, problem["loc"]))
                )
            return
        lists = value.get("lists") or {}
        for name, items in library.lists.items():
            where = location.at_line(_key_line(lists, name))
            if isinstance(items, _ListChange):
                if (items.append is None) == (items.replace is None):
                    self._error(f"list {name!r}: give exactly one of append or replace", where)
                else:
                    self._list_changes.append((name, items, where))
            elif name in self._list_definitions:
                self._error(
                    f"list {name!r} is already defined at {self._list_definitions[name][1]} "
                    "(use {append: [...]} or {replace: [...]} to change it)",
                    where,
                )
            else:
                self._list_definitions[name] = (list(items), where)
        macros = value.get("macros") or {}
        for name, definition in library.macros.items():
            where = location.at_line(_key_line(macros, name))
            if name in self._macros:
                self._error(
                    f"macro {name!r} is already defined at {self._macros[name].location}", where
                )
            else:
                self._macros[name] = _MacroDefinition(definition, where)

    # -- pass 2: lists -----------------------------------------------------------------------

    def _resolve_lists(self) -> None:
        raw = {name: items for name, (items, _) in self._list_definitions.items()}
        for name, change, where in self._list_changes:
            if name not in raw:
                self._error(f"list {name!r} is changed but never defined", where)
            elif change.replace is not None:
                raw[name] = list(change.replace)
            else:
                raw[name] = raw[name] + list(change.append or [])
        for name in raw:
            try:
                self._lists[name] = self._expanded_list(name, raw, ())
            except _Problem as problem:
                self._error(problem.message, self._list_definitions[name][1])

    def _expanded_list(
        self, name: str, raw: dict[str, list[Scalar]], stack: tuple[str, ...]
    ) -> tuple[Scalar, ...]:
        if name in stack:
            raise _Problem(f"list {name!r} includes itself through {' -> '.join(stack)}")
        items: list[Scalar] = []
        for item in raw[name]:
            reference = _LIST_REFERENCE.match(item) if isinstance(item, str) else None
            if reference is None:
                items.append(item)
            elif reference.group(1) not in raw:
                raise _Problem(f"list {name!r} names unknown list {reference.group(1)!r}")
            else:
                items += self._expanded_list(reference.group(1), raw, (*stack, name))
        return tuple(items)

    # -- pass 3: rules -----------------------------------------------------------------------

    def _rule(self, draft: _Draft) -> DetectionRule | None:
        document = draft.document
        errors_before = len(self._errors)
        detection = draft.raw.get("detection")
        condition = self._detection(
            document.detection,
            detection if isinstance(detection, LineMap) else None,
            _Where(draft.location, draft.label),
        )
        extension = document.kubeguard or _Extension()
        output = self._template(extension.output, draft)
        aggregation = self._aggregation(extension.aggregate, draft)
        if condition is None or len(self._errors) > errors_before:
            return None
        return DetectionRule(
            id=str(document.id),
            title=document.title,
            condition=condition,
            level=document.level,
            severity=extension.severity or LEVELS[document.level],
            finding_type=extension.finding_type
            or default_finding_type(document.title, document.tags),
            source=draft.location,
            description=document.description,
            status=document.status,
            layer=extension.layer,
            tags=tuple(document.tags),
            references=tuple(document.references),
            falsepositives=tuple(document.falsepositives),
            remediation=extension.remediation,
            output=output,
            aggregation=aggregation or default_aggregation(),
            builtin=draft.builtin,
            extra_refs={tool: tuple(names) for tool, names in extension.refs.items()},
        )

    def _template(self, text: str | None, draft: _Draft) -> Template | None:
        if text is None:
            return None
        try:
            return Template.parse(text)
        except PathError as error:
            self._error(f"kubeguard.output: {error}", draft.location, draft.label)
            return None

    def _aggregation(self, block: _Aggregate | None, draft: _Draft) -> Aggregation | None:
        if block is None:
            return None
        default = default_aggregation()
        try:
            by = (
                tuple(parse_field(text) for text in block.by)
                if block.by is not None
                else default.by
            )
        except PathError as error:
            self._error(f"kubeguard.aggregate.by: {error}", draft.location, draft.label)
            return None
        return Aggregation(parse_duration(block.window), by)

    def _detection(
        self, detection: dict[str, Any], lines: LineMap | None, draft: _Where
    ) -> Node | None:
        condition = detection.get("condition")
        where = draft.location.at_line(_key_line(lines, "condition") if lines else None)
        selections: dict[str, Node] = {}
        failed = False
        for name, value in detection.items():
            if name == "condition":
                continue
            if name == "timeframe":
                self._error(
                    "timeframe is not supported (use kubeguard.aggregate)", where, draft.label
                )
                failed = True
                continue
            try:
                selections[name] = self._selection(value)
            except _Problem as problems:
                for problem in problems.each():
                    line = problem.line or (_key_line(lines, name) if lines else None)
                    self._error(
                        f"detection.{name}: {problem.message}",
                        draft.location.at_line(line),
                        draft.label,
                    )
                failed = True
        if condition is None:
            self._error("detection has no condition", where, draft.label)
            return None
        texts = condition if isinstance(condition, list) else [condition]
        if not texts or not all(isinstance(text, str) for text in texts):
            self._error("detection.condition must be text or a list of texts", where, draft.label)
            return None
        if failed:
            return None
        try:
            nodes = [_ConditionParser(text, selections, self._macro).parse() for text in texts]
        except _Problem as problem:
            self._error(f"detection.condition: {problem.message}", where, draft.label)
            return None
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def _macro(self, name: str, stack: tuple[str, ...] = ()) -> Node:
        definition = self._macros.get(name)
        if definition is None:
            raise _Problem(f"unknown selection or macro {name!r}")
        if definition.node is not None:
            return definition.node
        if definition.failed:
            raise _Problem(f"macro {name!r} is invalid (see its own error)")
        if name in stack:
            raise _Problem(f"macro {name!r} refers to itself through {' -> '.join(stack)}")
        value = definition.value
        try:
            if isinstance(value, dict) and "condition" in value:
                selections = {
                    key: self._selection(item) for key, item in value.items() if key != "condition"
                }
                if not isinstance(value["condition"], str):
                    raise _Problem("condition must be text")
                parser = _ConditionParser(
                    value["condition"],
                    selections,
                    lambda other: self._macro(other, (*stack, name)),
                )
                node = parser.parse()
            else:
                node = self._selection(value)
        except _Problem as problems:
            if stack:
                raise
            definition.failed = True
            for problem in problems.each():
                self._error(f"macro {name!r}: {problem.message}", definition.location)
            raise _Problem(f"macro {name!r} is invalid (see its own error)") from problems
        definition.node = node
        return node

    # -- selections --------------------------------------------------------------------------

    def _selection(self, value: Any) -> Node:
        if isinstance(value, dict):
            if not value:
                raise _Problem("a selection needs at least one field")
            return _and(
                _each_or_all(
                    lambda key: self._field(key, value[key], _key_line(value, key)), list(value)
                )
            )
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            return _or(_each_or_all(self._selection, value))
        if isinstance(value, list):
            raise _Problem(
                "keyword selections (a list of values without fields) are not supported: "
                "name the field, e.g. requestURI|contains: [...]"
            )
        raise _Problem("a selection is a mapping of fields, or a list of such mappings")

    def _field(self, key: Any, value: Any, line: int | None) -> Node:
        if not isinstance(key, str):
            raise _Problem(f"field name {key!r} is not text", line)
        name, *modifiers = key.split("|")
        try:
            field_ref = parse_field(name)
        except PathError as error:
            raise _Problem(str(error), line) from error
        unknown = [m for m in modifiers if m not in _OPERATORS and m not in _FLAGS]
        if unknown:
            raise _Problem(f"{key}: unknown modifier {'|'.join(unknown)}", line)
        operators = [m for m in modifiers if m in _OPERATORS]
        if len(operators) > 1:
            raise _Problem(f"{key}: use one of {', '.join(operators)}, not several", line)
        values = list(value) if isinstance(value, list) else [value]
        if "expand" in modifiers:
            values = self._expand(values, line)
        if any(isinstance(item, dict | list) for item in values):
            raise _Problem(f"{key}: values must be text, numbers, booleans or null", line)
        try:
            return _field_node(
                field_ref,
                operators[0] if operators else None,
                values,
                every="every" in modifiers,
                all_values="all" in modifiers,
                ignore_case="ignorecase" in modifiers,
            )
        except _Problem as problem:
            raise _Problem(f"{key}: {problem.message}", line) from problem

    def _expand(self, values: list[Any], line: int | None) -> list[Any]:
        expanded: list[Any] = []
        for item in values:
            reference = _LIST_REFERENCE.match(item) if isinstance(item, str) else None
            if reference is None:
                expanded.append(item)
            elif reference.group(1) not in self._lists:
                raise _Problem(f"unknown list {reference.group(1)!r}", line)
            else:
                expanded += self._lists[reference.group(1)]
        return expanded

    def _check_unique(self, rules: list[DetectionRule]) -> None:
        seen: dict[str, DetectionRule] = {}
        for rule in rules:
            if rule.id in seen:
                self._error(
                    f"rule id {rule.id} is also used by {seen[rule.id].title!r} at "
                    f"{seen[rule.id].source}",
                    rule.source,
                    f"rule {rule.title!r}",
                )
            else:
                seen[rule.id] = rule


# -- field tests ------------------------------------------------------------------------------


def _each_or_all(translate: Callable[[Any], Node], items: list[Any]) -> list[Node]:
    """``translate`` applied to every item; all the problems found, not only the first."""
    nodes: list[Node] = []
    problems: list[_Problem] = []
    for item in items:
        try:
            nodes.append(translate(item))
        except _Problem as problem:
            problems.append(problem)
    if problems:
        raise _Problem.group(problems)
    return nodes


def _field_node(
    field_ref: FieldRef,
    operator: str | None,
    values: list[Any],
    *,
    every: bool,
    all_values: bool,
    ignore_case: bool,
) -> Node:
    if not values:
        # An empty list (an emptied --expand list, say) can never match.
        return FALSE
    if operator == "exists":
        if len(values) != 1 or not isinstance(values[0], bool):
            raise _Problem("exists takes true or false")
        return FieldTest(field_ref, Exists(values[0]))
    if all_values and len(values) > 1:
        return _and(
            [
                _field_node(
                    field_ref,
                    operator,
                    [item],
                    every=every,
                    all_values=False,
                    ignore_case=ignore_case,
                )
                for item in values
            ]
        )
    matches = _matches(operator, values, ignore_case, every=every)
    if every and len(matches) > 1:
        raise _Problem("every needs values of one kind (all text, or all numbers)")
    return _or([FieldTest(field_ref, match, every=every) for match in matches])


def _matches(
    operator: str | None, values: list[Any], ignore_case: bool, *, every: bool = False
) -> list[Match]:
    if operator in ("gt", "gte", "lt", "lte"):
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise _Problem(f"{operator} compares with numbers only")
        return [Compare(operator, float(v)) for v in values]  # type: ignore[arg-type]
    if operator is not None and not all(isinstance(v, str) for v in values):
        raise _Problem(f"{operator} takes text values")
    texts = [str(v) for v in values if isinstance(v, str)]
    if operator == "re":
        for pattern in texts:
            try:
                re.compile(pattern)
            except re.error as error:
                raise _Problem(f"invalid regular expression {pattern!r}: {error}") from error
        return [Regex(tuple(texts), ignore_case)]
    if operator == "cidr":
        for network in texts:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as error:
                raise _Problem(f"invalid network {network!r}") from error
        return [Cidr(tuple(texts))]
    if operator in ("threat_list", "cidr_list"):
        return [InList(tuple(texts))]
    if operator in ("contains", "startswith", "endswith"):
        if any(is_glob(text) for text in texts):
            shape = {"contains": "*{}*", "startswith": "{}*", "endswith": "*{}"}[operator]
            return [Glob(tuple(shape.format(text) for text in texts), ignore_case)]
        kind = {"contains": Contains, "startswith": StartsWith, "endswith": EndsWith}[operator]
        return [kind(tuple(unescape(text) for text in texts), ignore_case)]
    return _plain_matches(values, texts, ignore_case, every=every)


def _plain_matches(
    values: list[Any], texts: list[str], ignore_case: bool, *, every: bool = False
) -> list[Match]:
    matches: list[Match] = []
    patterns = [text for text in texts if is_glob(text)]
    if patterns and every:
        # One match, so that "every value" means every value against all the patterns.
        matches.append(
            Glob(
                tuple(text if is_glob(text) else _glob_escape(unescape(text)) for text in texts),
                ignore_case,
            )
        )
        others: list[Scalar] = []
    else:
        others = [unescape(text) for text in texts if not is_glob(text)]
        # "prefix*" is a plain prefix test, much cheaper than a pattern.
        prefixes = [
            unescape(text[:-1])
            for text in patterns
            if text.endswith("*") and not is_glob(text[:-1])
        ]
        if prefixes:
            matches.append(StartsWith(tuple(prefixes), ignore_case))
        rest = [text for text in patterns if not (text.endswith("*") and not is_glob(text[:-1]))]
        if rest:
            matches.append(Glob(tuple(rest), ignore_case))
    others += [v for v in values if isinstance(v, int | float)]
    if others:
        matches.append(Equals(tuple(others), ignore_case))
    if any(v is None for v in values):
        matches.append(Exists(False))
    return matches


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\\])", r"\\\1", text)


def _and(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _or(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))


# -- conditions -------------------------------------------------------------------------------


class _ConditionParser:
    """``a and not (b or 1 of sel_*)`` over selections, falling back to macros for names."""

    def __init__(self, text: str, selections: Mapping[str, Node], macro: Any) -> None:
        self._text = text
        self._selections = selections
        self._macro = macro
        self._tokens = list(self._tokenize(text))
        self._position = 0

    def _tokenize(self, text: str) -> Iterator[str]:
        for match in _TOKENS.finditer(text):
            if match.group(4):
                if match.group(4) == "|":
                    raise _Problem(
                        "aggregation expressions after '|' are not supported (use kubeguard.aggregate)"
                    )
                raise _Problem(f"unexpected {match.group(4)!r} in {text!r}")
            token = match.group(1) or match.group(2) or match.group(3)
            if token:
                yield token

    def parse(self) -> Node:
        if not self._tokens:
            raise _Problem("the condition is empty")
        node = self._or()
        if self._position < len(self._tokens):
            raise _Problem(f"unexpected {self._tokens[self._position]!r} in {self._text!r}")
        return node

    def _peek(self) -> str | None:
        return self._tokens[self._position] if self._position < len(self._tokens) else None

    def _next(self) -> str:
        token = self._peek()
        if token is None:
            raise _Problem(f"{self._text!r} ends too early")
        self._position += 1
        return token

    def _or(self) -> Node:
        nodes = [self._and()]
        while self._peek() == "or":
            self._next()
            nodes.append(self._and())
        return _or(nodes)

    def _and(self) -> Node:
        nodes = [self._not()]
        while self._peek() == "and":
            self._next()
            nodes.append(self._not())
        return _and(nodes)

    def _not(self) -> Node:
        if self._peek() == "not":
            self._next()
            return Not(self._not())
        return self._atom()

    def _atom(self) -> Node:
        word = self._next()
        if word == "(":
            node = self._or()
            if self._peek() != ")":
                raise _Problem(f"missing ')' in {self._text!r}")
            self._next()
            return node
        if word in ("1", "any", "all") and self._peek() == "of":
            self._next()
            return self._quantified(word, self._next())
        if word in ("and", "or", "of", ")"):
            raise _Problem(f"unexpected {word!r} in {self._text!r}")
        if word in self._selections:
            return self._selections[word]
        macro: Node = self._macro(word)
        return macro

    def _quantified(self, quantifier: str, target: str) -> Node:
        if target == "them":
            names = [name for name in self._selections if not name.startswith("_")]
        else:
            pattern = re.compile("^" + re.escape(target).replace(r"\*", ".*") + "$")
            names = [name for name in self._selections if pattern.match(name)]
        if not names:
            raise _Problem(f"no selection matches {target!r}")
        nodes = [self._selections[name] for name in names]
        return _and(nodes) if quantifier == "all" else _or(nodes)


# -- helpers ------------------------------------------------------------------------------------


def default_finding_type(title: str, tags: Iterable[str], *, family: str = "") -> str:
    """``<first ATT&CK tactic>:Kubernetes/<family><Title In Camel Case>`` (tactic ``Policy``
    when the tags name none)."""
    tactics = tactics_of(tuple(tags))
    tactic = TACTICS[tactics[0]].replace(" ", "") if tactics else "Policy"
    name = "".join(
        word[:1].upper() + word[1:] for word in re.sub(r"[^0-9A-Za-z ]", " ", title).split()
    )
    return f"{tactic}:Kubernetes/{family}{name}"


class ConditionError(ValueError):
    """A detection condition that cannot be parsed, or names no selection."""


def parse_condition(text: str, selections: Mapping[str, Node]) -> Node:
    """A Sigma condition (``sel and not 1 of filter_*``) over ``selections``, without macros."""

    def unknown(name: str) -> Node:
        raise _Problem(f"unknown selection {name!r}")

    try:
        return _ConditionParser(text, selections, unknown).parse()
    except _Problem as problem:
        raise ConditionError(problem.message) from None


def _key_line(mapping: Any, key: str) -> int | None:
    if isinstance(mapping, LineMap):
        return mapping.key_lines.get(key)
    return None


def _line_of(document: LineMap, loc: tuple[int | str, ...]) -> int | None:
    line: int | None = None
    node: Any = document
    for part in loc:
        if isinstance(node, LineMap) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item_lines = getattr(node, "item_lines", None)
            line = item_lines[part] if item_lines else line
            node = node[part]
        else:
            break
    return line


def _pydantic_message(problem: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
