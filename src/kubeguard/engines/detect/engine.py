"""Detection over a stream of audit events: routing, matching, aggregation, findings.

:class:`Detector` compiles a rule set once (threat lists resolved, constants folded) and indexes
the rules by the verbs and resources they can match. For each event it reads the verb and
``objectRef.resource`` — the only two fields every event is touched for — and evaluates only the
rules filed under that pair, under the verb alone, under the resource alone, or in the catch-all
bucket of rules that constrain neither. The candidate list of each pair is built once and cached.

A match goes to the :class:`Aggregator`: a rule matches a request once whatever the number of
stages logged for it (``ResponseStarted`` and ``ResponseComplete`` of one exec are one exec);
repeats with the same aggregation key within the rule's window update one open finding (first
seen, last seen, count); a finding is emitted when its window has passed (measured in event
time) or when the stream ends.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kubeguard.engines.detect.compiler import compile_predicate
from kubeguard.engines.detect.fields import MISSING, FieldRef, getter, read_field
from kubeguard.engines.detect.language import RuleSet
from kubeguard.engines.detect.predicates import (
    AddressList,
    AddressLists,
    InList,
    Predicate,
    Route,
    resolve_lists,
    route,
    simplify,
    tests,
)
from kubeguard.engines.detect.rule import DetectionRule, shown
from kubeguard.model import (
    Action,
    Actor,
    AuditEvent,
    DetectionDetail,
    Evidence,
    Finding,
    ObjectKey,
    Status,
    fingerprint,
)

#: Candidate lists cached per (verb, resource); beyond this many pairs (hostile input inventing
#: resources) candidates are computed for each event instead of growing the cache.
MAX_CACHED_ROUTES = 4096
#: How many ``auditID`` values a finding lists.
MAX_AUDIT_IDS = 20
#: Fields that the actor and action of a finding already show; evidence lists the others.
_SHOWN_ELSEWHERE = frozenset(
    {
        "verb",
        "stage",
        "requestURI",
        "userAgent",
        "sourceIPs",
        "responseStatus.code",
        "user.username",
        "user.groups",
        "impersonatedUser.username",
        "objectRef.resource",
        "objectRef.subresource",
        "objectRef.namespace",
        "objectRef.name",
        "objectRef.apiGroup",
    }
)
#: Kinds of the common resources, for the affected resource of a finding.
KINDS: dict[str, str] = {
    "pods": "Pod",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet",
    "daemonsets": "DaemonSet",
    "jobs": "Job",
    "cronjobs": "CronJob",
    "services": "Service",
    "secrets": "Secret",
    "configmaps": "ConfigMap",
    "namespaces": "Namespace",
    "nodes": "Node",
    "serviceaccounts": "ServiceAccount",
    "roles": "Role",
    "rolebindings": "RoleBinding",
    "clusterroles": "ClusterRole",
    "clusterrolebindings": "ClusterRoleBinding",
    "ingresses": "Ingress",
    "networkpolicies": "NetworkPolicy",
    "events": "Event",
    "persistentvolumes": "PersistentVolume",
    "persistentvolumeclaims": "PersistentVolumeClaim",
    "mutatingwebhookconfigurations": "MutatingWebhookConfiguration",
    "validatingwebhookconfigurations": "ValidatingWebhookConfiguration",
    "customresourcedefinitions": "CustomResourceDefinition",
    "selfsubjectaccessreviews": "SelfSubjectAccessReview",
    "selfsubjectrulesreviews": "SelfSubjectRulesReview",
    "subjectaccessreviews": "SubjectAccessReview",
    "tokenreviews": "TokenReview",
    "leases": "Lease",
    "endpoints": "Endpoints",
    "certificatesigningrequests": "CertificateSigningRequest",
}
#: Clusters-scoped resources: no namespace in their identity.
_CLUSTER_SCOPED = frozenset(
    {
        "namespaces",
        "nodes",
        "clusterroles",
        "clusterrolebindings",
        "persistentvolumes",
        "mutatingwebhookconfigurations",
        "validatingwebhookconfigurations",
        "customresourcedefinitions",
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews",
        "subjectaccessreviews",
        "tokenreviews",
        "certificatesigningrequests",
    }
)


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """A rule ready to run: its predicate, its route and the lists it consults."""

    rule: DetectionRule
    predicate: Predicate
    route: Route
    order: int
    """Position in the rule set, so findings come out in a stable order."""
    lists: dict[str, AddressList] = field(default_factory=dict)
    """Threat lists the rule consults, by name (only those loaded)."""
    evidence_fields: tuple[FieldRef, ...] = ()


def compile_rules(rule_set: RuleSet, lists: AddressLists | None = None) -> list[CompiledRule]:
    """Every rule of ``rule_set`` compiled against the loaded threat lists."""
    loaded = lists or {}
    compiled = []
    for order, rule in enumerate(rule_set.rules):
        condition = simplify(rule.condition, loaded)
        consulted: dict[str, AddressList] = {}
        evidence: dict[str, FieldRef] = {}
        for test in tests(condition):
            if isinstance(test.match, InList):
                consulted.update(resolve_lists(test.match.names, loaded))
            if test.field.text not in _SHOWN_ELSEWHERE:
                evidence.setdefault(test.field.text, test.field)
        routed = route(condition)
        compiled.append(
            CompiledRule(
                rule=rule,
                predicate=compile_predicate(condition, loaded, routed=routed),
                route=routed,
                order=order,
                lists=consulted,
                evidence_fields=tuple(evidence.values()),
            )
        )
    return compiled


class RuleIndex:
    """Rules filed by the verbs and resources they can match."""

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._by_pair: dict[tuple[str, str], list[CompiledRule]] = {}
        self._by_verb: dict[str, list[CompiledRule]] = {}
        self._by_resource: dict[str, list[CompiledRule]] = {}
        self._anywhere: list[CompiledRule] = []
        self._cache: dict[tuple[str, str], tuple[CompiledRule, ...]] = {}
        self.active: list[CompiledRule] = []
        """Rules that can match something (those needing an absent threat list cannot)."""
        for rule in rules:
            self._file(rule)

    def _file(self, rule: CompiledRule) -> None:
        verbs, resources = rule.route.verbs, rule.route.resources
        if rule.route.never or verbs == frozenset() or resources == frozenset():
            return
        self.active.append(rule)
        if verbs is not None and resources is not None:
            for verb in verbs:
                for resource in resources:
                    self._by_pair.setdefault((verb, resource), []).append(rule)
        elif verbs is not None:
            for verb in verbs:
                self._by_verb.setdefault(verb, []).append(rule)
        elif resources is not None:
            for resource in resources:
                self._by_resource.setdefault(resource, []).append(rule)
        else:
            self._anywhere.append(rule)

    def candidates(self, verb: str, resource: str) -> tuple[CompiledRule, ...]:
        """The rules an event with this verb and resource (``""``: none) may match."""
        key = (verb, resource)
        found = self._cache.get(key)
        if found is None:
            merged = (
                self._by_pair.get(key, [])
                + self._by_verb.get(verb, [])
                + self._by_resource.get(resource, [])
                + self._anywhere
            )
            found = tuple(sorted(merged, key=lambda rule: rule.order))
            if len(self._cache) < MAX_CACHED_ROUTES:
                self._cache[key] = found
        return found


@dataclass(slots=True)
class _Open:
    """An aggregate still collecting repeats."""

    rule: CompiledRule
    event: AuditEvent
    key: tuple[str, ...]
    first_seen: datetime.datetime | None
    last_seen: datetime.datetime | None
    count: int = 1
    audit_ids: list[str] = field(default_factory=list)
    serial: int = 0


class Aggregator:
    """Folds matches into findings: one per rule, aggregation key and window."""

    def __init__(self, *, request_memory: int = 100_000) -> None:
        self._open: dict[tuple[int, tuple[str, ...]], _Open] = {}
        self._deadlines: list[tuple[datetime.datetime, int, tuple[int, tuple[str, ...]]]] = []
        self._serial = 0
        self._requests_now: set[tuple[int, str]] = set()
        self._requests_before: set[tuple[int, str]] = set()
        self._request_memory = request_memory

    def add(self, rule: CompiledRule, event: AuditEvent) -> list[Finding]:
        """Count one match; return the findings it closed (an older window of the same key)."""
        request = (rule.order, event.audit_id)
        if request in self._requests_now or request in self._requests_before:
            return []
        self._remember(request)
        when = event_time(event)
        key = tuple(shown(read_field(event.data, part)) for part in rule.rule.aggregation.by)
        slot = (rule.order, key)
        closed: list[Finding] = []
        current = self._open.get(slot)
        window = rule.rule.aggregation.window
        if current is not None and _within(current.first_seen, when, window):
            current.count += 1
            if len(current.audit_ids) < MAX_AUDIT_IDS:
                current.audit_ids.append(event.audit_id)
            if when is not None and (current.last_seen is None or when > current.last_seen):
                current.last_seen = when
        else:
            if current is not None:
                closed.append(build_finding(self._open.pop(slot)))
            self._serial += 1
            opened = _Open(rule, event, key, when, when, 1, [event.audit_id], self._serial)
            self._open[slot] = opened
            if when is not None:
                heapq.heappush(self._deadlines, (when + window, opened.serial, slot))
        if when is not None:
            closed += self.expire(when)
        return closed

    def _remember(self, request: tuple[int, str]) -> None:
        if len(self._requests_now) >= self._request_memory:
            self._requests_before = self._requests_now
            self._requests_now = set()
        self._requests_now.add(request)

    def expire(self, now: datetime.datetime) -> list[Finding]:
        """Findings whose window ended before ``now`` (event time), closed."""
        closed = []
        while self._deadlines and self._deadlines[0][0] < now:
            _, serial, slot = heapq.heappop(self._deadlines)
            current = self._open.get(slot)
            if current is not None and current.serial == serial:
                closed.append(build_finding(self._open.pop(slot)))
        return closed

    def flush(self) -> list[Finding]:
        """Every open finding, closed (the stream ended)."""
        opened = sorted(self._open.values(), key=lambda item: item.serial)
        self._open.clear()
        self._deadlines.clear()
        return [build_finding(item) for item in opened]


def _within(
    first: datetime.datetime | None, when: datetime.datetime | None, window: datetime.timedelta
) -> bool:
    if not window:
        return False
    if first is None or when is None:
        return True
    return abs(when - first) <= window


def event_time(event: AuditEvent) -> datetime.datetime | None:
    """When the request was made (the same for all its stages)."""
    return event.request_received or event.stage_time


class Detector:
    """Matches events against compiled rules and aggregates the matches into findings."""

    #: Events between two checks for windows that ended (in event time).
    EXPIRY_INTERVAL = 4096

    def __init__(self, rule_set: RuleSet, lists: AddressLists | None = None) -> None:
        self.rule_set = rule_set
        self.index = RuleIndex(compile_rules(rule_set, lists))
        self.aggregator = Aggregator()

    def matches(self, event: AuditEvent) -> list[CompiledRule]:
        """The rules ``event`` matches (stateless: no aggregation)."""
        data = event.data
        return [rule for rule in self._candidates(data) if rule.predicate(data)]

    def _candidates(self, data: dict[str, Any]) -> tuple[CompiledRule, ...]:
        ref = data.get("objectRef")
        resource = ref.get("resource") if type(ref) is dict else None
        return self.index.candidates(data["verb"], resource if type(resource) is str else "")

    def feed(self, event: AuditEvent) -> list[Finding]:
        """Evaluate one event; return the findings whose aggregation it closed."""
        closed: list[Finding] = []
        data = event.data
        for rule in self._candidates(data):
            if rule.predicate(data):
                closed += self.aggregator.add(rule, event)
        return closed

    def run(self, events: Iterable[AuditEvent]) -> Iterator[Finding]:
        """Findings of a stream of events, each emitted once its window has closed."""
        candidates = self.index.candidates
        cache_get = self.index._cache.get
        add = self.aggregator.add
        countdown = self.EXPIRY_INTERVAL
        for event in events:
            data = event.data
            verb = data["verb"]
            ref = data.get("objectRef")
            resource = ref.get("resource") if type(ref) is dict else ""
            if type(resource) is not str:
                resource = ""
            rules = cache_get((verb, resource)) or candidates(verb, resource)
            for rule in rules:
                if rule.predicate(data):
                    yield from add(rule, event)
            countdown -= 1
            if not countdown:
                countdown = self.EXPIRY_INTERVAL
                now = event_time(event)
                if now is not None:
                    yield from self.aggregator.expire(now)
        yield from self.aggregator.flush()


def build_finding(aggregate: _Open) -> Finding:
    """The finding of a closed aggregate."""
    compiled = aggregate.rule
    rule = compiled.rule
    event = aggregate.event
    resource = affected_resource(event)
    message = rule.output.render(event.data) if rule.output else default_message(rule, event)
    detail = DetectionDetail(
        finding_type=rule.finding_type,
        actor=Actor.of(event),
        action=Action.of(event),
        first_seen=aggregate.first_seen,
        last_seen=aggregate.last_seen,
        count=aggregate.count,
        audit_ids=tuple(aggregate.audit_ids),
        threat_lists=tuple(
            name
            for name, found in compiled.lists.items()
            if any(address in found for address in event.source_ips)
        ),
        aggregation_key=aggregate.key,
    )
    identity = "\x1f".join(
        (
            *aggregate.key,
            aggregate.first_seen.isoformat() if aggregate.first_seen else event.audit_id,
        )
    )
    return Finding(
        control_id=rule.control_id,
        layer=rule.layer,
        severity=rule.severity,
        status=Status.FAIL,
        resource=resource,
        message=message,
        location=event.location,
        evidence=_evidence(compiled, event),
        fingerprint=fingerprint(rule.id, resource, identity),
        detection=detail,
    )


def _evidence(compiled: CompiledRule, event: AuditEvent) -> tuple[Evidence, ...]:
    found = []
    for field_ref in compiled.evidence_fields:
        value = getter(field_ref)(event.data)
        if value is MISSING or value == []:
            continue
        found.append(Evidence((field_ref.text,), _plain(value)))
    return tuple(found)


def _plain(value: Any) -> Any:
    """A JSON-safe, bounded copy of an evidence value."""
    if isinstance(value, list):
        return [_plain(item) for item in value[:20]]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in list(value.items())[:20]}
    if isinstance(value, str):
        return shown(value)
    return value


def affected_resource(event: AuditEvent) -> ObjectKey | None:
    """The object a request was about, ``None`` for a non-resource request."""
    ref = event.object_ref
    if ref is None or not ref.resource:
        return None
    version = ref.api_version or ""
    api_version = f"{ref.api_group}/{version}" if ref.api_group and version else version
    namespace = None if ref.resource in _CLUSTER_SCOPED else ref.namespace
    # A create request names its object in the body only; a list names none ("*": all of them).
    metadata = (event.request_object or {}).get("metadata")
    written = metadata.get("name") if isinstance(metadata, dict) and not ref.subresource else None
    name = ref.name or (written if isinstance(written, str) else None) or "*"
    return ObjectKey(api_version, KINDS.get(ref.resource, ref.resource), namespace, name)


def default_message(rule: DetectionRule, event: AuditEvent) -> str:
    """``<title>: <user> <verb> <resource> <namespace/name>`` for rules without ``output``."""
    user = event.user
    ref = event.object_ref
    target = event.request_uri or ""
    if ref is not None and ref.resource:
        what = ref.resource + (f"/{ref.subresource}" if ref.subresource else "")
        where = "/".join(part for part in (ref.namespace, ref.name) if part)
        target = f"{what} {where}".strip()
    who = (user.username if user else None) or "<unknown user>"
    return f"{rule.title}: {who} {event.verb} {target}".rstrip()
