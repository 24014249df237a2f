"""What views read once per workload: container names and contexts, and derived values."""

from __future__ import annotations

from kubeguard.engines.posture.pss_fields import container_setters, pod_setter
from kubeguard.engines.posture.views import WorkloadView, workload_of
from kubeguard.model import Inventory, K8sObject, SourceLocation

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {
        "securityContext": {"runAsNonRoot": True},
        "initContainers": [{"name": "setup", "securityContext": "not a mapping"}],
        "containers": [{"securityContext": {"privileged": True}}],
    },
}


def _view() -> WorkloadView:
    view = WorkloadView.of(K8sObject(POD, SourceLocation("pod.yaml")))
    assert view is not None
    return view


def test_containers_are_named_and_labelled_even_when_malformed() -> None:
    setup, unnamed = _view().containers()
    assert (setup.name, setup.label, setup.security_context) == (
        "setup",
        "initContainer 'setup'",
        {},
    )
    assert (unnamed.name, unnamed.label) == ("#0", "container '#0'")
    assert unnamed.security_context == {"privileged": True}


def test_a_derived_value_is_built_once_per_view() -> None:
    calls: list[WorkloadView] = []

    def count(view: WorkloadView) -> int:
        calls.append(view)
        return len(calls)

    first, second = _view(), _view()
    assert [first.derived(count), first.derived(count), second.derived(count)] == [1, 1, 2]
    assert calls == [first, second]


def test_setters_are_shared_between_checks_of_one_workload() -> None:
    view = _view()
    assert container_setters(view) is container_setters(view)
    assert [setter.label for setter in container_setters(view)] == [
        "initContainer 'setup'",
        "container '#0'",
    ]
    assert pod_setter(view).get("runAsNonRoot") is True


def test_the_scan_shares_one_view_per_workload() -> None:
    pod = K8sObject(POD, SourceLocation("pod.yaml"))
    service = K8sObject(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}},
        SourceLocation("service.yaml"),
    )
    inventory = Inventory([pod, service])
    shared = workload_of(pod, inventory)
    assert shared is not None
    assert workload_of(pod, inventory) is shared
    assert workload_of(service, inventory) is None
    outsider = K8sObject(POD, SourceLocation("other.yaml"))
    own = workload_of(outsider, inventory)
    assert own is not None
    assert own.obj is outsider
