"""The objects of one scan, indexed for controls that look across objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from kubeguard.model.resource import K8sObject

T = TypeVar("T")


class Inventory:
    """Objects of one scan, indexed by kind, namespace, name and labels.

    Built once, then read-only. Namespaced objects whose manifest leaves the namespace unset are
    indexed under ``default``, where ``kubectl apply`` would put them; cluster-scoped objects are
    indexed under no namespace.
    """

    def __init__(self, objects: Iterable[K8sObject] = ()) -> None:
        self._objects: list[K8sObject] = []
        self._by_kind: dict[str, list[K8sObject]] = defaultdict(list)
        self._by_kind_ns: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
        self._by_name: dict[tuple[str, str, str], K8sObject] = {}
        self._by_label: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
        self._derived: dict[Hashable, Any] = {}
        for obj in objects:
            self.add(obj)

    def add(self, obj: K8sObject) -> None:
        """Index one more object (only while the scan is being assembled)."""
        self._objects.append(obj)
        namespace = obj.effective_namespace or ""
        self._by_kind[obj.kind].append(obj)
        self._by_kind_ns[(obj.kind, namespace)].append(obj)
        self._by_name.setdefault((obj.kind, namespace, obj.name), obj)
        for label, value in obj.labels.items():
            self._by_label[(str(label), str(value))].append(obj)

    def __len__(self) -> int:
        return len(self._objects)

    def __iter__(self) -> Iterator[K8sObject]:
        return iter(self._objects)

    def of_kind(self, kind: str, namespace: str | None = None) -> list[K8sObject]:
        """Objects of ``kind``, optionally only those in ``namespace``."""
        if namespace is None:
            return list(self._by_kind.get(kind, ()))
        return list(self._by_kind_ns.get((kind, namespace or ""), ()))

    def get(self, kind: str, name: str, namespace: str | None = None) -> K8sObject | None:
        """The object of that kind and name, or ``None``."""
        return self._by_name.get((kind, namespace or "", name))

    def with_labels(self, selector: Mapping[str, str]) -> list[K8sObject]:
        """Objects carrying every label of ``selector`` (an empty selector matches all)."""
        if not selector:
            return list(self._objects)
        items = iter(selector.items())
        first_key, first_value = next(items)
        candidates = self._by_label.get((first_key, first_value), [])
        return [
            obj for obj in candidates if all(obj.labels.get(k) == v for k, v in selector.items())
        ]

    def derived(self, key: Hashable, build: Callable[[Inventory], T]) -> T:
        """An index computed from the whole inventory, built on first use and then reused.

        Cross-object controls run once per object but need the same view of all objects (levels
        by workload, bindings by subject …); this keeps that work to once per scan without
        module-level state. ``key`` identifies the index, usually the building function itself.
        """
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[no-any-return]

    def kinds(self) -> set[str]:
        """Every kind present."""
        return {kind for kind, objects in self._by_kind.items() if objects}
