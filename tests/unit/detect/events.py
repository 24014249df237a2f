"""Synthetic audit events for the detection tests: one call, only the fields a test cares about."""

from __future__ import annotations

import datetime
import itertools
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kubeguard.model import AuditEvent

_SERIAL = itertools.count(1)
#: When the synthetic history starts.
EPOCH = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
KUBECTL = "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350"


def timestamp(moment: datetime.datetime) -> str:
    """RFC 3339 with microseconds, as the API server writes it."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_event(
    *,
    verb: str = "get",
    resource: str | None = "pods",
    namespace: str | None = "shop",
    name: str | None = None,
    subresource: str | None = None,
    api_group: str = "",
    user: str = "alice",
    groups: Iterable[str] = ("system:authenticated",),
    source_ip: str = "10.0.1.20",
    user_agent: str | None = KUBECTL,
    code: int | None = 200,
    at: datetime.datetime = EPOCH,
    request_object: Any = None,
    stage: str = "ResponseComplete",
    request_uri: str | None = None,
    decision: str = "allow",
) -> dict[str, Any]:
    """One ``audit.k8s.io/v1`` Event as decoded JSON."""
    serial = next(_SERIAL)
    event: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse" if request_object is not None else "Metadata",
        "auditID": str(uuid.UUID(int=serial)),
        "stage": stage,
        "verb": verb,
        "user": {"username": user, "groups": list(groups)},
        "sourceIPs": [source_ip],
        "requestReceivedTimestamp": timestamp(at),
        "stageTimestamp": timestamp(at + datetime.timedelta(milliseconds=5)),
        "annotations": {"authorization.k8s.io/decision": decision},
    }
    if user_agent is not None:
        event["userAgent"] = user_agent
    if resource is not None:
        optional = {"namespace": namespace, "name": name, "subresource": subresource}
        event["objectRef"] = {
            "resource": resource,
            "apiGroup": api_group,
            "apiVersion": "v1",
            **{key: value for key, value in optional.items() if value is not None},
        }
    event["requestURI"] = request_uri or _uri(resource, namespace, name, subresource, api_group)
    if code is not None:
        event["responseStatus"] = {"metadata": {}, "code": code}
    if request_object is not None:
        event["requestObject"] = request_object
    return event


def _uri(
    resource: str | None,
    namespace: str | None,
    name: str | None,
    subresource: str | None,
    api_group: str,
) -> str:
    if resource is None:
        return "/version"
    root = f"/apis/{api_group}/v1" if api_group else "/api/v1"
    parts = [root]
    if namespace:
        parts.append(f"namespaces/{namespace}")
    parts.append(resource)
    parts += [part for part in (name, subresource) if part]
    return "/".join(parts)


def as_events(documents: Iterable[dict[str, Any]]) -> list[AuditEvent]:
    """The documents as the reader hands them on."""
    return [
        AuditEvent(document, "test.jsonl", number) for number, document in enumerate(documents, 1)
    ]


def write_jsonl(path: Path, documents: Iterable[dict[str, Any]]) -> Path:
    """The documents as a JSON-lines audit log."""
    path.write_text("".join(json.dumps(document) + "\n" for document in documents))
    return path
