"""Two workloads must not share an SELinux MCS level.

MCS categories keep workloads apart only while each has its own: two pods labelled with the same
level (``s0:c123,c456``) can read and write each other's files, in shared volumes and through
anything else labelled with that level, whatever namespace they run in. The container runtimes
pick a unique pair for each pod when the level is left to them; a level written into manifests
is often copied from one workload to the next. This control compares the levels set in the pod
and container ``seLinuxOptions`` of every workload in the scan and reports each shared level on
every workload involved, naming the others.

Objects that belong to the same workload are not compared with each other: a Pod, its
ReplicaSet and its Deployment (linked by ``ownerReferences``) share their level by design. Levels
are compared in canonical form (``s0:c2,c1`` equals ``s0:c1,c2``).
"""

from collections.abc import Iterator, Mapping

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.selinux import LEVEL_KEYS, canonical_level, selinux_levels
from kubeguard.engines.posture.views import WorkloadView, as_list, as_str, workload_of
from kubeguard.model import Inventory, K8sObject, Severity

WorkloadId = tuple[str, str, str]
"""``(kind, namespace, name)`` of the top-most owner of an object."""


@control(
    id="KG-POD-027",
    title="Workloads do not share an SELinux MCS level",
    severity=Severity.MEDIUM,
    remediation=(
        "Give each workload its own seLinuxOptions.level category pair, or leave the level "
        "unset so that the runtime allocates a unique one."
    ),
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    index = context.inventory.derived(_level_index, _level_index)
    own = _workload_id(workload.obj, context.inventory)
    seen: set[str] = set()
    for owner, level in selinux_levels(workload):
        canonical = canonical_level(level)
        if canonical in seen:
            continue
        seen.add(canonical)
        others = sorted({name for other, name in index.get(canonical, ()) if other != own})
        if others:
            yield Violation(
                path=owner.path(*LEVEL_KEYS),
                message=f"SELinux level {canonical} ({owner.label}) is also used by "
                f"{', '.join(others)}: their containers can reach each other's files",
                value=level,
            )


def _level_index(inventory: Inventory) -> Mapping[str, list[tuple[WorkloadId, str]]]:
    """Each canonical level, with the workloads that set it and how messages name them."""
    index: dict[str, list[tuple[WorkloadId, str]]] = {}
    for obj in inventory:
        workload = workload_of(obj, inventory)
        if workload is None:
            continue
        identity = _workload_id(obj, inventory)
        for level in {canonical_level(level) for _, level in selinux_levels(workload)}:
            index.setdefault(level, []).append((identity, _name(obj)))
    return index


def _workload_id(obj: K8sObject, inventory: Inventory) -> WorkloadId:
    """The top-most owner reachable through controller ``ownerReferences``.

    Owners live in the object's namespace. An owner missing from the scan still identifies the
    workload, so two Pods of one ReplicaSet match even when the ReplicaSet was not collected.
    """
    namespace = obj.effective_namespace or ""
    identity: WorkloadId = (obj.kind, namespace, obj.name)
    seen = {identity}
    current: K8sObject | None = obj
    while current is not None:
        owner = _controller(current)
        if owner is None:
            break
        identity = (owner[0], namespace, owner[1])
        if identity in seen:
            break
        seen.add(identity)
        current = inventory.get(owner[0], owner[1], namespace)
    return identity


def _controller(obj: K8sObject) -> tuple[str, str] | None:
    """``(kind, name)`` of the managing owner: the one marked controller, else the first."""
    owners = [
        (as_str(ref.get("kind")), as_str(ref.get("name")), ref.get("controller") is True)
        for ref in as_list(obj.metadata.get("ownerReferences"))
        if isinstance(ref, Mapping)
    ]
    valid = [(kind, name, managing) for kind, name, managing in owners if kind and name]
    if not valid:
        return None
    kind, name, _ = next((owner for owner in valid if owner[2]), valid[0])
    return kind, name


def _name(obj: K8sObject) -> str:
    namespace = obj.effective_namespace
    return f"{obj.kind} {namespace}/{obj.name}" if namespace else f"{obj.kind} {obj.name}"
