"""Per-namespace policy objects: which namespaces must have them, and whether they do.

Judged are the namespaces present in the scan as Namespace objects (a dump of a live cluster has
all of them); namespaces that workloads merely name are not, since quotas and limit ranges are
usually kept apart from application manifests. The namespaces Kubernetes itself runs
(``kube-system``, ``kube-public``, ``kube-node-lease``) are exempt, as in HardenEKS.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeguard.engines.posture.control import Violation
from kubeguard.engines.posture.views import ObjectView, get
from kubeguard.model import Inventory

SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})


def missing_policy(
    namespace: ObjectView, inventory: Inventory, kind: str, content: tuple[str, ...], what: str
) -> Iterator[Violation]:
    """A violation when ``namespace`` has no object of ``kind`` whose ``content`` field is set.

    ``what`` completes "has no {kind} that {what}", e.g. ``sets hard limits``.
    """
    name = namespace.obj.name
    if name in SYSTEM_NAMESPACES:
        return
    policies = inventory.of_kind(kind, name)
    if any(get(policy.manifest, *content) for policy in policies):
        return
    if policies:
        names = ", ".join(sorted(policy.name for policy in policies))
        message = f"namespace {name!r} has {kind} {names}, but none {what}"
    else:
        message = f"namespace {name!r} has no {kind} in the scan"
    yield Violation(path=("metadata", "name"), message=message, value=name)
