"""Kubernetes audit events (``audit.k8s.io/v1`` Event) and what detections report about them.

:class:`AuditEvent` is a read-only view over the decoded JSON of one event. It never copies or
converts the document up front: detection rules read the raw mapping through pre-compiled paths,
and the typed accessors here (used to describe a finding, rarely on the hot path) check every
type on the way, so an event whose ``objectRef`` is a string or whose ``responseStatus.code`` is
``"201"`` reads as "unknown" instead of raising.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.model.resource import SourceLocation

#: The annotation the authorizer writes: ``allow`` or ``forbid``.
DECISION_ANNOTATION = "authorization.k8s.io/decision"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


@dataclass(frozen=True, slots=True)
class UserInfo:
    """Who made a request (``user`` or ``impersonatedUser`` of an event)."""

    username: str | None
    uid: str | None = None
    groups: tuple[str, ...] = ()
    extra: Mapping[str, tuple[str, ...]] | None = None
    """Extra attributes, e.g. the IAM principal behind an EKS identity; ``None`` when absent."""

    @staticmethod
    def of(value: Any) -> UserInfo | None:
        """The user described by ``value``, ``None`` if it is not a mapping."""
        if not isinstance(value, dict):
            return None
        extra = value.get("extra")
        return UserInfo(
            username=_text(value.get("username")),
            uid=_text(value.get("uid")),
            groups=_texts(value.get("groups")),
            extra=(
                {str(key): _texts(items) for key, items in extra.items()}
                if isinstance(extra, dict)
                else None
            ),
        )


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """The object a request was about (``objectRef``); every field may be unknown."""

    resource: str | None = None
    """Lower-case plural resource, e.g. ``pods``."""
    subresource: str | None = None
    namespace: str | None = None
    name: str | None = None
    api_group: str | None = None
    """API group; ``""`` (or unknown) for the core group."""
    api_version: str | None = None
    uid: str | None = None

    @staticmethod
    def of(value: Any) -> ObjectRef | None:
        """The reference described by ``value``, ``None`` if it is not a mapping."""
        if not isinstance(value, dict):
            return None
        return ObjectRef(
            resource=_text(value.get("resource")),
            subresource=_text(value.get("subresource")),
            namespace=_text(value.get("namespace")),
            name=_text(value.get("name")),
            api_group=_text(value.get("apiGroup")),
            api_version=_text(value.get("apiVersion")),
            uid=_text(value.get("uid")),
        )


def parse_timestamp(value: Any) -> datetime.datetime | None:
    """An RFC 3339 time as the API server writes it (micro- or nanoseconds, ``Z``), or ``None``."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        # Python reads at most six fractional digits; GKE and some proxies write nine.
        text = f"{head}.{rest[: min(digits, 6)] or '0'}{rest[digits:]}"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


class AuditEvent:
    """One audit event as decoded from JSON, with where it was read.

    ``data`` is the decoded object, never modified. The reader guarantees only that ``auditID``,
    ``stage`` and ``verb`` are strings; every other accessor tolerates any shape.
    """

    __slots__ = ("data", "line", "path")

    data: dict[str, Any]
    path: str
    """The file it came from (``-`` for standard input), or another source's name."""
    line: int | None
    """1-based line in that file, ``None`` for an item of a multi-line document."""

    def __init__(self, data: dict[str, Any], path: str = "", line: int | None = None) -> None:
        self.data = data
        self.path = path
        self.line = line

    def __repr__(self) -> str:
        return f"AuditEvent({self.audit_id!r}, {self.stage!r}, {self.verb!r}, at {self.location})"

    @property
    def location(self) -> SourceLocation:
        """Where the event was read."""
        return SourceLocation(self.path, self.line)

    def _str(self, key: str) -> str:
        value = self.data.get(key)
        return value if isinstance(value, str) else ""

    @property
    def audit_id(self) -> str:
        """``auditID``: the same for every stage of one request."""
        return self._str("auditID")

    @property
    def stage(self) -> str:
        """``RequestReceived``, ``ResponseStarted``, ``ResponseComplete`` or ``Panic``."""
        return self._str("stage")

    @property
    def verb(self) -> str:
        """The Kubernetes verb (``get``, ``create`` …); lower-case HTTP method for non-resource URLs."""
        return self._str("verb")

    @property
    def request_uri(self) -> str | None:
        """``requestURI``, query string included."""
        return _text(self.data.get("requestURI"))

    @property
    def user_agent(self) -> str | None:
        """``userAgent`` as the client sent it (untrusted)."""
        return _text(self.data.get("userAgent"))

    @property
    def source_ips(self) -> tuple[str, ...]:
        """``sourceIPs``: forwarded-for addresses first, the connection's peer last."""
        return _texts(self.data.get("sourceIPs"))

    @property
    def user(self) -> UserInfo | None:
        """The authenticated user."""
        return UserInfo.of(self.data.get("user"))

    @property
    def impersonated_user(self) -> UserInfo | None:
        """The user impersonated, when the request impersonated one."""
        return UserInfo.of(self.data.get("impersonatedUser"))

    @property
    def object_ref(self) -> ObjectRef | None:
        """The object the request was about; ``None`` for non-resource requests."""
        return ObjectRef.of(self.data.get("objectRef"))

    @property
    def response_code(self) -> int | None:
        """``responseStatus.code`` when it is an integer."""
        code = _mapping(self.data.get("responseStatus")).get("code")
        return code if isinstance(code, int) and not isinstance(code, bool) else None

    @property
    def request_object(self) -> Mapping[str, Any] | None:
        """``requestObject`` when logged as a mapping (a JSON patch is a list: ``None``)."""
        value = self.data.get("requestObject")
        return value if isinstance(value, dict) else None

    @property
    def response_object(self) -> Mapping[str, Any] | None:
        """``responseObject`` when logged as a mapping."""
        value = self.data.get("responseObject")
        return value if isinstance(value, dict) else None

    @property
    def annotations(self) -> Mapping[str, str]:
        """``annotations`` with string values only."""
        return {
            key: value
            for key, value in _mapping(self.data.get("annotations")).items()
            if isinstance(value, str)
        }

    @property
    def decision(self) -> str | None:
        """The authorizer's decision annotation: ``allow``, ``forbid`` or ``None``."""
        return _text(_mapping(self.data.get("annotations")).get(DECISION_ANNOTATION))

    @property
    def request_received(self) -> datetime.datetime | None:
        """``requestReceivedTimestamp`` (old events: ``timestamp``)."""
        return parse_timestamp(self.data.get("requestReceivedTimestamp")) or parse_timestamp(
            self.data.get("timestamp")
        )

    @property
    def stage_time(self) -> datetime.datetime | None:
        """``stageTimestamp``, else the time the request was received."""
        return parse_timestamp(self.data.get("stageTimestamp")) or self.request_received


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it, as a detection reports it (GuardDuty's ``kubernetesUserDetails``)."""

    username: str | None
    uid: str | None = None
    groups: tuple[str, ...] = ()
    source_ips: tuple[str, ...] = ()
    user_agent: str | None = None
    impersonated_user: str | None = None
    impersonated_groups: tuple[str, ...] = ()

    @staticmethod
    def of(event: AuditEvent) -> Actor:
        """The actor of ``event``."""
        user = event.user
        impersonated = event.impersonated_user
        return Actor(
            username=user.username if user else None,
            uid=user.uid if user else None,
            groups=user.groups if user else (),
            source_ips=event.source_ips,
            user_agent=event.user_agent,
            impersonated_user=impersonated.username if impersonated else None,
            impersonated_groups=impersonated.groups if impersonated else (),
        )


@dataclass(frozen=True, slots=True)
class Action:
    """What was done (GuardDuty's ``kubernetesApiCallAction``)."""

    verb: str
    request_uri: str | None = None
    resource: str | None = None
    subresource: str | None = None
    namespace: str | None = None
    name: str | None = None
    api_group: str | None = None
    response_code: int | None = None
    stage: str = ""
    audit_id: str = ""

    @staticmethod
    def of(event: AuditEvent) -> Action:
        """The action of ``event``."""
        ref = event.object_ref or ObjectRef()
        return Action(
            verb=event.verb,
            request_uri=event.request_uri,
            resource=ref.resource,
            subresource=ref.subresource,
            namespace=ref.namespace,
            name=ref.name,
            api_group=ref.api_group,
            response_code=event.response_code,
            stage=event.stage,
            audit_id=event.audit_id,
        )


@dataclass(frozen=True, slots=True)
class DetectionDetail:
    """What a detection finding adds to a finding: the actor, the action, when and how often.

    Repeats of the same activity within a rule's aggregation window update one finding: the
    actor and action are those of the first event, ``count`` says how many requests matched.
    """

    finding_type: str
    """GuardDuty-style type, e.g. ``Execution:Kubernetes/ExecInKubeSystemPod``."""
    actor: Actor
    action: Action
    first_seen: datetime.datetime | None
    last_seen: datetime.datetime | None
    count: int = 1
    """Requests that matched within the aggregation window."""
    audit_ids: tuple[str, ...] = ()
    """``auditID`` of the matching requests (the first few)."""
    threat_lists: tuple[str, ...] = ()
    """Threat lists that hold one of the source addresses, when the rule consults them."""
    aggregation_key: tuple[str, ...] = ()
    """Values of the rule's aggregation fields shared by the events counted together."""


@dataclass(frozen=True, slots=True)
class IngestionCounts:
    """What reading audit events gave, over every input."""

    inputs: int = 0
    """Files (or other sources) read."""
    events: int = 0
    """Events accepted and evaluated (duplicates not included)."""
    duplicates: int = 0
    """Events skipped because one with the same ``auditID`` and stage was already evaluated."""
    rejected: int = 0
    """Lines or items that were not a usable event (each reported with its place)."""
    truncated: int = 0
    """Of the rejected ones: CloudWatch entries cut off with ``[Truncated...]``."""
