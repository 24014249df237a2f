"""Sigma rules for Kubernetes audit logs, evaluated natively on the event stream.

SigmaHQ's ``rules/application/kubernetes/audit/*.yml`` (``logsource: {product: kubernetes,
service: audit}``) are translated into the same predicate trees as kubeguard's own rules, so they
share the compiler, the verb/resource index, the aggregation and the findings. A finding of a
Sigma rule carries the rule's id as its control id, its title, and its ``level`` mapped to a
severity (informational → info, low, medium, high, critical); the rule's references show
``sigma`` (the id) and ``sigma-level``.

Why a front end of our own rather than pySigma: pySigma parses rules in order to *convert* them
into SIEM queries; it does not evaluate events, so its rule objects would still have to be
translated into predicates, and its processing pipelines solve a problem we do not have (field
names of a target SIEM). The Sigma subset the Kubernetes rules use — selections, the modifiers
below, ``1 of``/``all of`` conditions — is small, and translating it here keeps one condition
parser (:func:`~.language.parse_condition`) and one set of matching semantics for all rules,
with no LGPL dependency.

Sigma semantics kept:

- plain string values match case-insensitively (``|cased`` makes them case-sensitive), ``*`` and
  ``?`` are wildcards and ``\\*``, ``\\?``, ``\\\\`` escape them; ``'*'`` alone means the field
  is present; ``null`` means it is absent; a list of values means any of them (``|all``: every);
- modifiers ``contains``, ``startswith``, ``endswith``, ``all``, ``cased``, ``re`` (with ``i``,
  ``m``, ``s``; case-sensitive unless ``i``), ``cidr``, ``exists``, ``gt``, ``gte``, ``lt``,
  ``lte``. Other modifiers (``base64``, ``windash``, ``fieldref`` …), keyword lists, aggregations
  and ``timeframe`` have no meaning for audit events here: such a rule is skipped with a warning.

What the translation adds, for audit events:

- Sigma field names that are not audit-event fields are mapped: ``hostPath`` to
  ``podSpec.volumes[*].hostPath``, ``capabilities`` to
  ``podSpec.allContainers[*].securityContext.capabilities``, ``apiGroup`` to
  ``objectRef.apiGroup``;
- ``verb`` and the ``objectRef`` fields other than ``name`` are compared with the rule's value in
  lower case: the API server writes them in lower case, and exact tests let the index route the
  rule (case-insensitive tests cannot be routed);
- ``responseStatus.code`` is a number: a rule value written as text holding an integer
  (``'403'``) is compared as that number, as SIEMs do.

Warnings (one line per rule, never fatal): a rule that uses a field audit events never carry, or
compares the number ``responseStatus.code`` with text (or a text field with a number), has tests
that can never hold; the warning says so, and says when the whole rule can therefore never fire.
Rules for other log sources are counted and left out silently, so a whole SigmaHQ checkout can be
given.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.detect.fields import WILDCARD, FieldRef, PathError, parse_field
from kubeguard.engines.detect.language import ConditionError, default_finding_type, parse_condition
from kubeguard.engines.detect.predicates import (
    FALSE,
    TRUE,
    And,
    Cidr,
    Compare,
    Contains,
    EndsWith,
    Equals,
    Exists,
    FieldTest,
    Match,
    Node,
    Or,
    Regex,
    StartsWith,
    is_glob,
    simplify,
)
from kubeguard.engines.detect.rule import LEVELS, DetectionRule
from kubeguard.model import LineMap, SourceLocation
from kubeguard.yaml_documents import Document, read_documents

#: Namespace of the ids given to Sigma rules that carry none.
_ID_NAMESPACE = uuid.UUID("3d1f6c59-7f0b-4b8e-9a47-52a4f3f0c1de")

#: Sigma field names that are not audit-event fields, and the fields they stand for.
FIELD_MAP = {
    "hostPath": "podSpec.volumes[*].hostPath",
    "capabilities": "podSpec.allContainers[*].securityContext.capabilities",
    "apiGroup": "objectRef.apiGroup",
}
#: Fields the API server always writes in lower case.
LOWER_CASE_FIELDS = frozenset(
    {
        "verb",
        "objectRef.resource",
        "objectRef.subresource",
        "objectRef.namespace",
        "objectRef.apiGroup",
        "objectRef.apiVersion",
    }
)
#: Fields that hold numbers.
NUMERIC_FIELDS = frozenset({"responseStatus.code"})

#: What an audit event holds: top-level field to its known keys (``None``: any key, any depth;
#: an empty set: a value or a list of values with nothing below).
_LEAF: frozenset[str] = frozenset()
_USER_KEYS = frozenset({"username", "uid", "groups", "extra"})
_EVENT_FIELDS: dict[str, frozenset[str] | None] = {
    "kind": _LEAF,
    "apiVersion": _LEAF,
    "level": _LEAF,
    "auditID": _LEAF,
    "stage": _LEAF,
    "requestURI": _LEAF,
    "verb": _LEAF,
    "user": _USER_KEYS,
    "impersonatedUser": _USER_KEYS,
    "sourceIPs": _LEAF,
    "userAgent": _LEAF,
    "objectRef": frozenset(
        {
            "resource",
            "namespace",
            "name",
            "uid",
            "apiGroup",
            "apiVersion",
            "resourceVersion",
            "subresource",
        }
    ),
    "responseStatus": frozenset({"metadata", "status", "message", "reason", "details", "code"}),
    "requestObject": None,
    "responseObject": None,
    "requestReceivedTimestamp": _LEAF,
    "stageTimestamp": _LEAF,
    "annotations": None,
    "timestamp": _LEAF,
    "metadata": None,
}
#: Keys below which anything may follow.
_OPEN_KEYS = frozenset({"extra", "metadata", "details"})

_OPERATORS = frozenset(
    {"contains", "startswith", "endswith", "re", "cidr", "exists", "gt", "gte", "lt", "lte"}
)
_FLAGS = frozenset({"all", "cased", "i", "m", "s"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


@dataclass(frozen=True, slots=True)
class SigmaWarning:
    """Something about one rule (or one file) worth a line on the terminal."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class SigmaRules:
    """The Sigma rules loaded, and what loading them found."""

    rules: tuple[DetectionRule, ...] = ()
    warnings: tuple[SigmaWarning, ...] = ()
    files: int = 0
    """Files read."""
    other_logsources: int = 0
    """Rules for other log sources, left out."""
    skipped: int = 0
    """Kubernetes audit rules that could not be loaded (each has a warning)."""
    never_fire: int = 0
    """Rules loaded that can never fire (each has a warning)."""


class _Skip(Exception):
    """A rule that cannot be loaded, and why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_sigma(files: Iterable[tuple[str, str]], *, taken_ids: Collection[str] = ()) -> SigmaRules:
    """The ``kubernetes``/``audit`` rules of the files, given as (name, text).

    ``taken_ids``: ids already used (kubeguard's own rules); a Sigma rule reusing one is skipped.
    """
    loader = _SigmaLoader(set(taken_ids))
    count = 0
    for name, text in files:
        count += 1
        loader.read_file(name, text)
    return SigmaRules(
        tuple(loader.rules),
        tuple(loader.warnings),
        count,
        loader.other_logsources,
        loader.skipped,
        loader.never_fire,
    )


def is_audit_rule(document: Any) -> bool:
    """Whether a decoded document is a rule for ``product: kubernetes, service: audit``."""
    logsource = document.get("logsource") if isinstance(document, dict) else None
    if not isinstance(logsource, dict):
        return False
    product, service = logsource.get("product"), logsource.get("service")
    return (
        isinstance(product, str)
        and isinstance(service, str)
        and product.lower() == "kubernetes"
        and service.lower() == "audit"
    )


class _SigmaLoader:
    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.rules: list[DetectionRule] = []
        self.warnings: list[SigmaWarning] = []
        self.other_logsources = 0
        self.skipped = 0
        self.never_fire = 0

    def read_file(self, name: str, text: str) -> None:
        for item in read_documents(text, name):
            if not isinstance(item, Document):
                self.warnings.append(
                    SigmaWarning(item.location or SourceLocation(name), item.message)
                )
                continue
            if item.value is None:
                continue
            if not is_audit_rule(item.value):
                self.other_logsources += 1
                continue
            self._read_rule(item.value, item.location)

    def _read_rule(self, document: LineMap, location: SourceLocation) -> None:
        title = document.get("title")
        label = f"Sigma rule {title!r}" if isinstance(title, str) and title else "Sigma rule"
        reasons: list[str] = []
        try:
            rule = _RuleTranslation(document, location, reasons).rule()
            if rule.id in self.taken:
                raise _Skip(f"id {rule.id} is already used by another rule", _line(document, "id"))
        except _Skip as skip:
            self.skipped += 1
            self.warnings.append(
                SigmaWarning(location.at_line(skip.line), f"{label}: skipped: {skip.message}")
            )
            return
        self.taken.add(rule.id)
        self.rules.append(rule)
        if reasons:
            never = simplify(rule.condition, {}) == FALSE
            self.never_fire += never
            verdict = "can never fire" if never else "has tests that never hold"
            self.warnings.append(
                SigmaWarning(location, f"{label} ({rule.id}) {verdict}: {'; '.join(reasons)}")
            )


class _RuleTranslation:
    """One Sigma rule document turned into a :class:`DetectionRule`."""

    def __init__(self, document: LineMap, location: SourceLocation, reasons: list[str]) -> None:
        self.document = document
        self.location = location
        self.reasons = reasons

    def rule(self) -> DetectionRule:
        document = self.document
        for unsupported in ("correlation", "filter"):
            if unsupported in document:
                raise _Skip(f"Sigma {unsupported} rules are not supported")
        title = document.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _Skip("a rule needs a title", _line(document, "title"))
        rule_id = self._id(title)
        level = document.get("level", "medium")
        if level not in LEVELS:
            raise _Skip(
                f"level {level!r} is not one of {', '.join(LEVELS)}", _line(document, "level")
            )
        tags = _texts(document.get("tags"))
        return DetectionRule(
            id=rule_id,
            title=title.strip(),
            condition=self._detection(),
            level=level,
            severity=LEVELS[level],
            finding_type=default_finding_type(title, tags, family="Sigma."),
            source=self.location,
            description=_text(document.get("description")),
            status=_text(document.get("status")) or "experimental",
            tags=tags,
            references=_texts(document.get("references")),
            falsepositives=_texts(document.get("falsepositives")),
            extra_refs={"sigma": (rule_id,), "sigma-level": (level,)},
        )

    def _id(self, title: str) -> str:
        value = self.document.get("id")
        if value is None:
            return str(uuid.uuid5(_ID_NAMESPACE, f"{self.location.path}\x1f{title}"))
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise _Skip(f"id {value!r} is not a UUID", _line(self.document, "id")) from None

    def _detection(self) -> Node:
        detection = self.document.get("detection")
        if not isinstance(detection, dict):
            raise _Skip("detection must be a mapping", _line(self.document, "detection"))
        if "timeframe" in detection:
            raise _Skip("timeframe is not supported", _line(detection, "timeframe"))
        selections = {
            name: self._selection(value, _line(detection, name))
            for name, value in detection.items()
            if name != "condition"
        }
        condition = detection.get("condition")
        items = condition if isinstance(condition, list) else [condition]
        texts = [text for text in items if isinstance(text, str)]
        if not texts or len(texts) != len(items):
            raise _Skip(
                "detection.condition must be text or a list of texts", _line(detection, "condition")
            )
        try:
            nodes = [parse_condition(text, selections) for text in texts]
        except ConditionError as error:
            raise _Skip(f"detection.condition: {error}", _line(detection, "condition")) from None
        return _or(nodes)

    def _selection(self, value: Any, line: int | None) -> Node:
        if isinstance(value, dict) and value:
            return _and(
                [self._field(key, item, _line(value, key) or line) for key, item in value.items()]
            )
        if (
            isinstance(value, list)
            and value
            and all(isinstance(item, dict) and item for item in value)
        ):
            return _or([self._selection(item, line) for item in value])
        if (
            isinstance(value, list)
            and value
            and not any(isinstance(item, dict | list) for item in value)
        ):
            raise _Skip("keyword selections (values without a field) are not supported", line)
        raise _Skip("a selection is a mapping of fields, or a list of such mappings", line)

    def _field(self, key: Any, value: Any, line: int | None) -> Node:
        if not isinstance(key, str):
            raise _Skip(f"field name {key!r} is not text", line)
        name, *modifiers = key.split("|")
        unknown = [m for m in modifiers if m not in _OPERATORS and m not in _FLAGS]
        if unknown:
            raise _Skip(f"{key}: modifier {'|'.join(unknown)} is not supported", line)
        operators = [m for m in modifiers if m in _OPERATORS]
        if len(operators) > 1:
            raise _Skip(f"{key}: use one of {', '.join(operators)}, not several", line)
        mapped = FIELD_MAP.get(name, name)
        try:
            field_ref = parse_field(mapped)
        except PathError as error:
            raise _Skip(f"{key}: {error}", line) from None
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, dict | list) for item in values):
            raise _Skip(f"{key}: values must be text, numbers, booleans or null", line)
        operator = operators[0] if operators else None
        test = _FieldTranslation(name, field_ref, operator, set(modifiers), self.reasons)
        try:
            nodes = [test.value(item) for item in values]
        except _Skip as skip:
            raise _Skip(f"{key}: {skip.message}", line) from None
        if not nodes:
            return FALSE
        return _and(nodes) if "all" in modifiers else _or(_merged(nodes))


class _FieldTranslation:
    """The values of one ``field|modifiers`` key, each to a node."""

    def __init__(
        self,
        name: str,
        field_ref: FieldRef,
        operator: str | None,
        modifiers: set[str],
        reasons: list[str],
    ) -> None:
        self.name = name
        self.ref = field_ref
        self.operator = operator
        self.modifiers = modifiers
        self.reasons = reasons
        self.known = is_event_field(field_ref)
        self.numeric = field_ref.text in NUMERIC_FIELDS
        self.textual = _is_text_field(field_ref.text)

    def _never(self, reason: str) -> Node:
        if reason not in self.reasons:
            self.reasons.append(reason)
        return FALSE

    def value(self, value: Any) -> Node:
        operator = self.operator
        if operator == "exists":
            if not isinstance(value, bool):
                raise _Skip("exists takes true or false")
            return self._test(Exists(value))
        if value is None:
            return self._test(Exists(False))
        if operator in ("gt", "gte", "lt", "lte"):
            number = _number(value)
            if number is None:
                raise _Skip(f"{operator} compares with numbers, not {value!r}")
            if self.textual:
                return self._never(f"{self.name} is text, compared with the number {value}")
            return self._test(Compare(operator, number))  # type: ignore[arg-type]
        if isinstance(value, bool | int | float) and operator is None:
            if self.textual:
                return self._never(f"{self.name} is text, compared with the number {value}")
            return self._test(Equals((value,)))
        text = value if isinstance(value, str) else str(value)
        if self.numeric:
            if operator is None and _INTEGER.match(text):
                return self._test(Equals((int(text),)))
            if operator is None and text == "*":
                return self._test(Exists(True))
            return self._never(f"{self.name} is a number, compared with the text {text!r}")
        if operator == "re":
            return self._test(Regex((self._regex(text),), "i" in self.modifiers))
        if operator == "cidr":
            try:
                ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise _Skip(f"{text!r} is not a network") from None
            return self._test(Cidr((text,)))
        if operator is None and text == "*":
            return self._test(Exists(True))
        return self._test(self._string_match(text))

    def _string_match(self, text: str) -> Match:
        cased = "cased" in self.modifiers
        lower = self.ref.text in LOWER_CASE_FIELDS and not cased
        if lower:
            text = text.lower()
        ignore_case = not cased and not lower
        if is_glob(text):
            return Regex((_wildcard_regex(text, self.operator),), ignore_case)
        literal = _unescape(text)
        if self.operator == "contains":
            return Contains((literal,), ignore_case)
        if self.operator == "startswith":
            return StartsWith((literal,), ignore_case)
        if self.operator == "endswith":
            return EndsWith((literal,), ignore_case)
        return Equals((literal,), ignore_case)

    def _regex(self, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise _Skip(f"invalid regular expression {pattern!r}: {error}") from None
        on = "m" if "m" in self.modifiers else ""
        off = "" if "s" in self.modifiers else "-s"
        # Python's re is close enough to the PCRE subset Sigma rules use; dot-all is off
        # unless the rule asks for it (the engine's regex checks turn it on by default).
        return f"(?{on}{off}:{pattern})" if on or off else pattern

    def _test(self, match: Match) -> Node:
        if self.known:
            return FieldTest(self.ref, match)
        if isinstance(match, Exists) and not match.present:
            return TRUE
        return self._never(f"field {self.name!r} is never in an audit event")


def _merged(nodes: list[Node]) -> list[Node]:
    """Alternative values of one field as one test per kind of match: one set lookup or one
    regular-expression search per event instead of one test per value (case-insensitive
    ``contains`` becomes a search, which folds case once rather than once per value)."""
    groups: dict[tuple[type[Match], bool], tuple[FieldRef, list[str | int | float | bool]]] = {}
    rest: list[Node] = []
    for node in nodes:
        if not isinstance(node, FieldTest) or node.every:
            rest.append(node)
            continue
        match = node.match
        if isinstance(match, Contains) and match.ignore_case:
            match = Regex(tuple(re.escape(value) for value in match.values), True)
        if isinstance(match, Equals | StartsWith | EndsWith | Contains):
            items: tuple[Any, ...] = match.values
        elif isinstance(match, Regex):
            items = match.patterns
        else:
            rest.append(node)
            continue
        groups.setdefault((type(match), match.ignore_case), (node.field, []))[1].extend(items)
    merged: list[Node] = [
        FieldTest(field_ref, kind(tuple(dict.fromkeys(items)), ignore_case))  # type: ignore[call-arg]
        for (kind, ignore_case), (field_ref, items) in groups.items()
    ]
    return merged + rest


def is_event_field(field_ref: FieldRef) -> bool:
    """Whether every path of ``field_ref`` can exist in an ``audit.k8s.io/v1`` Event."""
    return all(_known_path(path) for path in field_ref.paths)


def _known_path(path: tuple[Any, ...]) -> bool:
    head = path[0]
    if not isinstance(head, str) or head not in _EVENT_FIELDS:
        return False
    keys = _EVENT_FIELDS[head]
    rest = path[1:]
    if keys is None:
        return True
    if keys is _LEAF:
        return all(isinstance(part, int) or part is WILDCARD for part in rest)
    if not rest:
        return True
    key = rest[0]
    if not isinstance(key, str) or key not in keys:
        return False
    return key in _OPEN_KEYS or all(isinstance(part, int) or part is WILDCARD for part in rest[1:])


def _is_text_field(text: str) -> bool:
    return text in LOWER_CASE_FIELDS or text in {
        "objectRef.name",
        "kind",
        "apiVersion",
        "level",
        "auditID",
        "stage",
        "requestURI",
        "userAgent",
        "sourceIPs",
        "user.username",
        "user.groups",
        "user.uid",
        "impersonatedUser.username",
        "impersonatedUser.groups",
    }


def _sigma_chars(text: str) -> list[tuple[str, bool]]:
    """Each character with whether it is a wildcard; Sigma escapes only ``*``, ``?`` and ``\\``."""
    chars: list[tuple[str, bool]] = []
    position = 0
    while position < len(text):
        char = text[position]
        following = text[position + 1] if position + 1 < len(text) else ""
        if char == "\\" and following in ("*", "?", "\\"):
            chars.append((following, False))
            position += 2
            continue
        chars.append((char, char in "*?"))
        position += 1
    return chars


def _unescape(text: str) -> str:
    return "".join(char for char, _ in _sigma_chars(text))


def _wildcard_regex(text: str, operator: str | None) -> str:
    body = "".join(
        (".*" if char == "*" else ".") if wild else re.escape(char)
        for char, wild in _sigma_chars(text)
    )
    start = "" if operator in ("contains", "endswith") else "^"
    end = "" if operator in ("contains", "startswith") else r"\Z"
    return f"{start}{body}{end}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    return None


def _and(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _or(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))


def _line(mapping: Any, key: str) -> int | None:
    return mapping.key_lines.get(key) if isinstance(mapping, LineMap) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else []
    return tuple(item for item in items if isinstance(item, str))
