"""Which Services an Ingress routes to, in both API shapes, and malformed input."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.exposure import exposure_of, ingress_backends
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Inventory, K8sObject, SourceLocation


def test_ingress_backends_reads_v1_and_v1beta1_shapes() -> None:
    manifest = {
        "spec": {
            "defaultBackend": {"service": {"name": "fallback"}},
            "backend": {"serviceName": "legacy-default"},
            "rules": [
                {"http": {"paths": [{"backend": {"service": {"name": "api"}}}]}},
                {"http": {"paths": [{"backend": {"serviceName": "legacy", "servicePort": 80}}]}},
                {"host": "no-http.example.com"},
            ],
        }
    }
    assert sorted(ingress_backends(manifest)) == ["api", "fallback", "legacy", "legacy-default"]


@pytest.mark.parametrize(
    "spec",
    [None, "text", [], {"rules": "x"}, {"rules": [{"http": {"paths": [None, 3]}}]}],
)
def test_ingress_backends_tolerate_malformed_specs(spec: Any) -> None:
    assert list(ingress_backends({"spec": spec})) == []


def _obj(kind: str, name: str, spec: Any, labels: dict[str, str] | None = None) -> K8sObject:
    metadata = {"name": name, "namespace": "shop", "labels": labels or {}}
    manifest = {"apiVersion": "v1", "kind": kind, "metadata": metadata, "spec": spec}
    return K8sObject(manifest, SourceLocation("exposure.yaml"))


def test_routes_skip_services_with_malformed_selectors() -> None:
    pod = _obj("Pod", "web", {"containers": []}, {"app": "web"})
    inventory = Inventory(
        [
            _obj("Service", "broken", {"type": "LoadBalancer", "selector": ["app"]}),
            _obj("Service", "typeless", {"type": 5, "selector": {"app": "web"}}),
            _obj("Service", "open", {"type": "NodePort", "selector": {"app": "web"}}),
            pod,
        ]
    )
    workload = WorkloadView.of(pod)
    assert workload is not None
    routes = exposure_of(inventory).routes_to(workload)
    assert [route.via for route in routes] == ["NodePort Service shop/open"]
