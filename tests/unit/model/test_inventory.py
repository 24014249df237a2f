"""The inventory indexes objects by kind, namespace, name and labels."""

from __future__ import annotations

from kubeguard.model import Inventory, K8sObject, SourceLocation


def _obj(kind: str, name: str, namespace: str | None = None, **labels: str) -> K8sObject:
    metadata: dict[str, object] = {"name": name, "labels": labels}
    if namespace:
        metadata["namespace"] = namespace
    return K8sObject(
        {"apiVersion": "v1", "kind": kind, "metadata": metadata}, SourceLocation("t.yaml")
    )


def test_lookups() -> None:
    inventory = Inventory(
        [
            _obj("Pod", "a", "shop", app="api", tier="web"),
            _obj("Pod", "b", None, app="api"),
            _obj("Namespace", "shop"),
            _obj("Service", "a", "shop", app="api"),
        ]
    )
    assert len(inventory) == 4
    assert [o.name for o in inventory.of_kind("Pod")] == ["a", "b"]
    assert [o.name for o in inventory.of_kind("Pod", "default")] == ["b"]
    assert [o.name for o in inventory.of_kind("Pod", "shop")] == ["a"]
    found = inventory.get("Pod", "b", "default")
    assert found is not None
    assert found.name == "b"
    namespace = inventory.get("Namespace", "shop")
    assert namespace is not None
    assert namespace.effective_namespace is None
    assert inventory.get("Pod", "b", "shop") is None
    assert [o.name for o in inventory.with_labels({"app": "api", "tier": "web"})] == ["a"]
    assert {(o.kind, o.name) for o in inventory.with_labels({"app": "api"})} == {
        ("Pod", "a"),
        ("Pod", "b"),
        ("Service", "a"),
    }
    assert inventory.with_labels({"app": "none"}) == []
    assert inventory.kinds() == {"Pod", "Namespace", "Service"}


def test_derived_indexes_are_built_once_per_inventory() -> None:
    calls: list[int] = []

    def count_pods(inventory: Inventory) -> int:
        calls.append(1)
        return len(inventory.of_kind("Pod"))

    first = Inventory([_obj("Pod", "a")])
    assert first.derived(count_pods, count_pods) == 1
    assert first.derived(count_pods, count_pods) == 1
    assert len(calls) == 1
    assert Inventory([_obj("Pod", "a"), _obj("Pod", "b")]).derived(count_pods, count_pods) == 2
    assert len(calls) == 2
