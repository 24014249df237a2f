"""Ignore annotations on objects: kubeguard's own and the ones users already wrote for peers.

Teams moving from another scanner keep their accepted risks: the annotations Checkov, Polaris
and kube-score read are honoured for the kubeguard controls that record those tools' check ids.

| annotation | value | ignores |
|---|---|---|
| ``kubeguard.io/ignore`` | ``KG-POD-001,CKV_K8S_20`` (any kubeguard or peer id) | those controls |
| ``checkov.io/skip<N>`` | ``CKV_K8S_20=reason`` | controls mapped to that Checkov id |
| ``polaris.fairwinds.com/<check>-exempt`` | ``"true"`` | controls mapped to that Polaris check |
| ``polaris.fairwinds.com/exempt`` | ``"true"`` | every control mapped to a Polaris check |
| ``kube-score/ignore`` | ``test-a,test-b`` | controls mapped to those kube-score tests |
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Annotation listing control ids (kubeguard's or a peer's) to ignore on this object.
IGNORE_ANNOTATION = "kubeguard.io/ignore"
#: Annotation giving the reason for the ignore annotation.
IGNORE_REASON_ANNOTATION = "kubeguard.io/ignore-reason"

_CHECKOV_PREFIX = "checkov.io/skip"
_POLARIS_PREFIX = "polaris.fairwinds.com/"
_POLARIS_EXEMPT_SUFFIX = "-exempt"
_KUBE_SCORE = "kube-score/ignore"

#: Stands for "every control with a reference of this peer" (Polaris' object-wide exemption).
ALL_OF_PEER = "*"


@dataclass(frozen=True, slots=True)
class InlineIgnore:
    """One ignore annotation found on an object."""

    annotation: str
    """The annotation key, as users will look for it."""
    ids: frozenset[str]
    """Ids it names: kubeguard control ids, or ids of ``peer``'s checks."""
    peer: str | None
    """The peer tool whose ids these are; ``None`` for kubeguard's own annotation."""
    reason: str = ""

    def covers(self, control_id: str, refs: Mapping[str, tuple[str, ...]]) -> bool:
        """Whether this annotation ignores the control ``control_id`` with references ``refs``."""
        if self.peer is not None:
            peer_ids = refs.get(self.peer, ())
            return bool(peer_ids) and (ALL_OF_PEER in self.ids or not self.ids.isdisjoint(peer_ids))
        if control_id in self.ids:
            return True
        return any(not self.ids.isdisjoint(ids) for ids in refs.values())

    def describe(self) -> str:
        """How a suppressed finding names the annotation."""
        return f"annotation {self.annotation}" + (f": {self.reason}" if self.reason else "")


def inline_ignores(annotations: Mapping[str, Any]) -> Iterator[InlineIgnore]:
    """Every ignore annotation among ``annotations`` (malformed values are ignored)."""
    for key, value in annotations.items():
        if not isinstance(value, str) or not isinstance(key, str):
            continue
        if key == IGNORE_ANNOTATION:
            reason = annotations.get(IGNORE_REASON_ANNOTATION)
            yield InlineIgnore(key, _split(value), None, reason if isinstance(reason, str) else "")
        elif key.startswith(_CHECKOV_PREFIX):
            check_id, _, reason = value.partition("=")
            yield InlineIgnore(key, frozenset({check_id.strip()}), "checkov", reason.strip())
        elif key == _KUBE_SCORE:
            yield InlineIgnore(key, _split(value), "kube-score")
        elif key.startswith(_POLARIS_PREFIX) and value.strip().lower() == "true":
            name = key[len(_POLARIS_PREFIX) :]
            if name == "exempt":
                yield InlineIgnore(key, frozenset({ALL_OF_PEER}), "polaris")
            elif name.endswith(_POLARIS_EXEMPT_SUFFIX):
                check = name[: -len(_POLARIS_EXEMPT_SUFFIX)]
                yield InlineIgnore(key, frozenset({check}), "polaris")


def _split(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())
