"""Typed, defensive views over manifests, so controls never walk raw dictionaries.

Manifests are untrusted: any field may be missing or of the wrong type. Mappings are checked with
``isinstance(value, dict)``: every source yields plain dicts (or dict subclasses), and the ABC
check costs several times more on the scan's hottest path. Accessors return the
typed value or ``None`` (``bool | None``, ``int | None``, ``str | None``), empty mappings and lists
for malformed containers, and :meth:`WorkloadView.shape_problems` lists the wrong types once so
the engine can report them instead of each control tripping over them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kubeguard.model import FieldPath, Inventory, K8sObject

#: Where the pod spec sits in each workload kind.
POD_SPEC_PATHS: dict[str, FieldPath] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
WORKLOAD_KINDS = frozenset(POD_SPEC_PATHS)

Derived = TypeVar("Derived")

#: The three container lists of a pod spec, in the order PSA visits them.
CONTAINER_GROUPS = ("initContainers", "containers", "ephemeralContainers")


def get(node: Any, *keys: str | int) -> Any:
    """Follow ``keys`` through mappings and lists; ``None`` where the path breaks."""
    for key in keys:
        if isinstance(key, str) and isinstance(node, dict):
            node = node.get(key)
        elif isinstance(key, int) and isinstance(node, list) and -len(node) <= key < len(node):
            node = node[key]
        else:
            return None
    return node


def as_bool(value: Any) -> bool | None:
    """A real boolean, else ``None``."""
    return value if isinstance(value, bool) else None


def as_int(value: Any) -> int | None:
    """A real integer (not a boolean), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    """A string, else ``None``."""
    return value if isinstance(value, str) else None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A list, else an empty one."""
    return value if isinstance(value, list) else []


def as_str_list(value: Any) -> list[str]:
    """The string items of a list (others dropped), else an empty list."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class ObjectView:
    """Any object, for controls about a kind (Namespace, Service, RoleBinding …)."""

    obj: K8sObject

    @property
    def kind(self) -> str:
        """The object's kind."""
        return self.obj.kind

    def field(self, *keys: str | int) -> Any:
        """The raw value at ``keys`` from the object root, ``None`` if absent."""
        return get(self.obj.manifest, *keys)


@dataclass(frozen=True, slots=True)
class ContainerView:
    """One container of a pod spec."""

    raw: Mapping[str, Any]
    group: str
    """``containers``, ``initContainers`` or ``ephemeralContainers``."""
    index: int
    base: FieldPath
    """Path of this container from the object root."""
    # Read once here: nearly every control names the container or reads its securityContext.
    # (``dataclasses.field``, because the ``field`` method below shadows the bare name.)
    name: str = dataclasses.field(init=False)
    """The container's name (``#<index>`` if it has none)."""
    label: str = dataclasses.field(init=False)
    """How messages name this container: ``container 'app'``, ``initContainer 'setup'``."""
    security_context: Mapping[str, Any] = dataclasses.field(init=False)
    """``securityContext``, empty if absent."""

    def __post_init__(self) -> None:
        name = self.raw.get("name")
        name = name if isinstance(name, str) else f"#{self.index}"
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", f"{self.group[:-1]} {name!r}")
        object.__setattr__(self, "security_context", as_mapping(self.raw.get("securityContext")))

    def path(self, *parts: str | int) -> FieldPath:
        """Path of a field of this container from the object root."""
        return self.base + parts

    def field(self, *keys: str | int) -> Any:
        """The raw value at ``keys`` within the container."""
        return get(self.raw, *keys)

    def security(self, *keys: str) -> Any:
        """A value inside ``securityContext``."""
        return get(self.security_context, *keys)

    @property
    def image(self) -> str | None:
        """The image reference, if it is a string."""
        return as_str(self.raw.get("image"))

    def ports(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """``(index, port)`` for each well-formed entry of ``ports``."""
        for index, port in enumerate(as_list(self.raw.get("ports"))):
            if isinstance(port, dict):
                yield index, port

    def volume_mounts(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """``(index, mount)`` for each well-formed entry of ``volumeMounts``."""
        for index, mount in enumerate(as_list(self.raw.get("volumeMounts"))):
            if isinstance(mount, dict):
                yield index, mount


@dataclass(frozen=True, slots=True)
class WorkloadView:
    """The pod spec of a Pod or of any kind with a pod template, and its pod metadata."""

    obj: K8sObject
    spec_path: FieldPath
    spec: Mapping[str, Any]
    """The pod spec, empty if absent or malformed."""
    all_containers: tuple[ContainerView, ...]
    """Every container (init, regular, ephemeral), computed once: controls ask for them often."""
    _derived: dict[Callable[[WorkloadView], Any], Any] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, obj: K8sObject) -> WorkloadView | None:
        """A view if ``obj`` is a workload kind, else ``None``."""
        path = POD_SPEC_PATHS.get(obj.kind)
        if path is None:
            return None
        spec = as_mapping(get(obj.manifest, *path))
        containers = tuple(
            ContainerView(raw, group, index, (*path, group, index))
            for group in CONTAINER_GROUPS
            for index, raw in enumerate(as_list(spec.get(group)))
            if isinstance(raw, dict)
        )
        return cls(obj, path, spec, containers)

    @property
    def kind(self) -> str:
        """The owning object's kind."""
        return self.obj.kind

    @property
    def is_template(self) -> bool:
        """Whether this is a pod template rather than a Pod."""
        return self.obj.kind != "Pod"

    @property
    def meta_path(self) -> FieldPath:
        """Path of the pod metadata (the object's own for a Pod, the template's otherwise)."""
        return self.spec_path[:-1] + ("metadata",)

    @property
    def pod_annotations(self) -> Mapping[str, Any]:
        """Annotations of the pod (template)."""
        return as_mapping(get(self.obj.manifest, *self.meta_path, "annotations"))

    @property
    def pod_labels(self) -> Mapping[str, Any]:
        """Labels of the pod (template)."""
        return as_mapping(get(self.obj.manifest, *self.meta_path, "labels"))

    def path(self, *parts: str | int) -> FieldPath:
        """Path of a pod-spec field from the object root."""
        return self.spec_path + parts

    def field(self, *keys: str | int) -> Any:
        """The raw value at ``keys`` within the pod spec."""
        return get(self.spec, *keys)

    @property
    def security_context(self) -> Mapping[str, Any]:
        """The pod-level ``securityContext``, empty if absent."""
        return as_mapping(self.spec.get("securityContext"))

    def security(self, *keys: str) -> Any:
        """A value inside the pod-level ``securityContext``."""
        return get(self.security_context, *keys)

    @property
    def is_windows(self) -> bool:
        """``spec.os.name`` is ``windows``."""
        return bool(get(self.spec, "os", "name") == "windows")

    @property
    def host_users_disabled(self) -> bool:
        """``spec.hostUsers`` is explicitly false (the pod runs in a user namespace)."""
        return self.spec.get("hostUsers") is False

    @property
    def service_account_name(self) -> str | None:
        """``serviceAccountName`` (or the deprecated ``serviceAccount``) if set."""
        return as_str(self.spec.get("serviceAccountName")) or as_str(
            self.spec.get("serviceAccount")
        )

    @property
    def namespace(self) -> str:
        """The namespace the pods run in."""
        return self.obj.effective_namespace or "default"

    def containers(self, *, init: bool = True, ephemeral: bool = True) -> Iterator[ContainerView]:
        """Every container, init and ephemeral ones included unless excluded."""
        if init and ephemeral:
            yield from self.all_containers
            return
        for container in self.all_containers:
            if (container.group == "initContainers" and not init) or (
                container.group == "ephemeralContainers" and not ephemeral
            ):
                continue
            yield container

    def volumes(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """``(index, volume)`` for each well-formed entry of ``volumes``."""
        for index, volume in enumerate(as_list(self.spec.get("volumes"))):
            if isinstance(volume, dict):
                yield index, volume

    def shape_problems(self) -> list[tuple[FieldPath, str]]:
        """Fields of the wrong type, as ``(path, description)``; empty for a well-formed spec."""
        problems: list[tuple[FieldPath, str]] = []
        raw_spec = get(self.obj.manifest, *self.spec_path)
        if raw_spec is None:
            return problems
        if not isinstance(raw_spec, dict):
            return [(self.spec_path, _expected("a mapping", raw_spec))]
        _expect(problems, raw_spec, self.spec_path, _POD_FIELD_TYPES)
        for group in CONTAINER_GROUPS:
            items = raw_spec.get(group)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                path = self.path(group, index)
                if not isinstance(item, dict):
                    problems.append((path, _expected("a mapping", item)))
                    continue
                _expect(problems, item, path, _CONTAINER_FIELD_TYPES)
                context = item.get("securityContext")
                if isinstance(context, dict):
                    _expect(problems, context, path + ("securityContext",), _CONTEXT_TYPES)
        context = raw_spec.get("securityContext")
        if isinstance(context, dict):
            _expect(problems, context, self.path("securityContext"), _CONTEXT_TYPES)
        return problems

    def derived(self, build: Callable[[WorkloadView], Derived]) -> Derived:
        """``build(self)``, computed on first use and then reused for this view.

        Many controls read the same parts of one pod spec (every container's
        ``securityContext`` …); this keeps that work to once per workload without module-level
        state. ``build`` is the key, so it must be a module-level function.
        """
        if build not in self._derived:
            self._derived[build] = build(self)
        return self._derived[build]  # type: ignore[no-any-return]


_TYPE_NAMES: dict[type, str] = {
    list: "a list",
    dict: "a mapping",
    bool: "a boolean",
    int: "an integer",
    str: "a string",
}

_POD_FIELD_TYPES: dict[str, type] = {
    "containers": list,
    "initContainers": list,
    "ephemeralContainers": list,
    "volumes": list,
    "securityContext": dict,
    "hostNetwork": bool,
    "hostPID": bool,
    "hostIPC": bool,
    "hostUsers": bool,
    "automountServiceAccountToken": bool,
    "serviceAccountName": str,
}
_CONTAINER_FIELD_TYPES: dict[str, type] = {
    "name": str,
    "image": str,
    "securityContext": dict,
    "resources": dict,
    "ports": list,
    "env": list,
    "envFrom": list,
    "volumeMounts": list,
}
_CONTEXT_TYPES: dict[str, type] = {
    "privileged": bool,
    "allowPrivilegeEscalation": bool,
    "readOnlyRootFilesystem": bool,
    "runAsNonRoot": bool,
    "runAsUser": int,
    "runAsGroup": int,
    "capabilities": dict,
    "seccompProfile": dict,
    "seLinuxOptions": dict,
    "appArmorProfile": dict,
    "sysctls": list,
}


def _expect(
    problems: list[tuple[FieldPath, str]],
    node: Mapping[str, Any],
    base: FieldPath,
    types: Mapping[str, type],
) -> None:
    for key, expected in types.items():
        value = node.get(key)
        if value is None:
            continue
        wrong = isinstance(value, bool) if expected is int else False
        if wrong or not isinstance(value, expected):
            problems.append((base + (key,), _expected(_TYPE_NAMES[expected], value)))


def _expected(what: str, value: Any) -> str:
    return f"expected {what}, got {_describe(value)}"


def _describe(value: Any) -> str:
    for python_type, name in _TYPE_NAMES.items():
        if isinstance(value, python_type):
            return name
    if isinstance(value, float):
        return "a number"
    return type(value).__name__


def names(items: Sequence[Any]) -> list[str]:
    """The ``name`` of each mapping in ``items`` that has a string name."""
    return [
        item["name"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    ]


def workload_of(obj: K8sObject, inventory: Inventory) -> WorkloadView | None:
    """The view of ``obj`` that the whole scan shares; ``None`` if it is not a workload.

    The engine, controls and cross-object indexes all judge the same pod specs; sharing one view
    per object shares what is derived from it too (containers, setters, parsed images).
    """
    view = inventory.derived(_workload_views, _workload_views).get(obj)
    # An object from outside the inventory still gets a view of its own.
    return view if view is not None else WorkloadView.of(obj)


def _workload_views(inventory: Inventory) -> dict[K8sObject, WorkloadView]:
    return {obj: view for obj in inventory if (view := WorkloadView.of(obj)) is not None}
