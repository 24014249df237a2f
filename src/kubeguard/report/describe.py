"""Short human descriptions of resources and exceptions, worded the same in every format."""

from __future__ import annotations

from kubeguard.findings import ExceptionRule
from kubeguard.model import ObjectKey


def describe_resource(resource: ObjectKey) -> str:
    """``Pod web/api`` (kind, then namespace/name; the name alone when no namespace is written)."""
    name = f"{resource.namespace}/{resource.name}" if resource.namespace else resource.name
    return f"{resource.kind} {name}"


def describe_expired(rule: ExceptionRule) -> str:
    """Why an expired exception no longer suppresses anything."""
    expires = rule.expires.isoformat() if rule.expires else "an unknown date"
    return (
        f"the exception for {', '.join(rule.controls)} expired on {expires} and no longer "
        f"applies ({rule.reason})"
    )
