"""What a webhook batch is worth: which of its events are kept, which are refused and why.

The API server's webhook backend POSTs an ``audit.k8s.io/v1`` ``EventList``. Like Falco's
receiver, a single ``Event`` or a JSON array of events is accepted too. Each item is checked
by the same reader that checks lines of a file, so the spool only ever holds events the
detector will accept.

What is answered, and why:

- A body that is not JSON, not an object or array, or an object that is neither an
  ``EventList`` nor an ``Event``: **400**. Nothing in it can be used, and the API server does
  not retry 4xx answers, so nothing is retried in vain.
- An ``EventList`` with some bad items (not objects, ``auditID``/``stage``/``verb`` missing or
  of the wrong type): the good items are stored and the answer is **200** with the counts of
  kept and refused items. Answering 4xx would make the API server drop the good events with
  the bad; answering 5xx would make it re-send the same bad items forever.
- An ``EventList`` whose items are all bad: **400** (nothing was kept).
- An empty ``EventList``: **200**, nothing stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from kubeguard.sources.auditlog import AuditLogReader, Rejection

#: The location the events of webhook batches are reported at.
WEBHOOK_SOURCE = "webhook"
#: Item rejection messages kept per batch for the answer and the status page.
MAX_REASONS = 5


class BadBatch(ValueError):
    """The body cannot be used at all (answered with 400)."""


@dataclass(slots=True)
class Batch:
    """The usable part of one POSTed body."""

    payload: bytes
    """What goes into the spool: the body itself when every item was kept, else the kept items."""
    accepted: int
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    """The first few rejection messages (``items[3]: verb is missing``)."""

    def answer(self) -> bytes:
        """The JSON body of the 200 answer."""
        document: dict[str, Any] = {"accepted": self.accepted, "rejected": self.rejected}
        if self.reasons:
            document["reasons"] = self.reasons
        return orjson.dumps(document)


def check_batch(body: bytes) -> Batch:
    """The events of ``body`` worth keeping; raises :class:`BadBatch` when there are none."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadBatch(f"body is not valid JSON ({error})") from None
    items = _items(value)
    rejections: list[Rejection] = []
    reader = AuditLogReader(on_reject=rejections.append, deduplicate=False)
    kept: list[Any] = []
    reasons: list[str] = []
    # Only an EventList is stored as sent; an array or a lone Event is wrapped in one.
    as_sent = isinstance(value, dict) and value.get("kind") == "EventList"
    for index, item in enumerate(items):
        if is_event(item):
            kept.append(item)
            continue
        found = [event.data for event in reader.events_in(item, WEBHOOK_SOURCE, None)]
        if len(found) != 1 or found[0] is not item:
            as_sent = False
        kept += found
        reasons += [_item_reason(index, rejection) for rejection in rejections]
        rejections.clear()
    rejected = reader.counts.rejected
    if not kept and rejected:
        raise BadBatch(f"no usable audit event: {rejected} item(s) refused, first {reasons[0]}")
    if as_sent and not rejected:
        payload = body
    else:
        payload = orjson.dumps(
            {"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": kept}
        )
    return Batch(payload, len(kept), rejected, reasons[:MAX_REASONS])


def is_event(item: Any) -> bool:
    """Whether ``item`` is an event as it stands: the reader's own test for a line of a file.

    Everything the spool holds passes it (an item that needed unwrapping is stored unwrapped),
    so the detector can take spooled items without checking them again.
    """
    if type(item) is not dict:
        return False
    audit_id = item.get("auditID")
    return (
        type(audit_id) is str
        and bool(audit_id)
        and type(item.get("stage")) is str
        and type(item.get("verb")) is str
    )


def _item_reason(index: int, rejection: Rejection) -> str:
    """``items[3]: verb is missing`` (envelopes add their own path: ``items[3].message: …``)."""
    reason = rejection.reason.removesuffix("; skipped")
    return (
        f"items[{index}]{reason}" if reason.startswith((".", "[")) else f"items[{index}]: {reason}"
    )


def _items(value: Any) -> list[Any]:
    """The items of an EventList, an array or a single Event; :class:`BadBatch` otherwise."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise BadBatch("body is not an audit.k8s.io EventList (not a JSON object)")
    kind = value.get("kind")
    if kind == "EventList":
        items = value.get("items")
        if items is None:
            return []
        if not isinstance(items, list):
            raise BadBatch("EventList items is not an array")
        return items
    if kind == "Event" or (kind is None and "auditID" in value):
        return [value]
    raise BadBatch(f"body is not an audit.k8s.io EventList (kind {kind!r})")
