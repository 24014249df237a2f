"""Which workloads traffic from outside the cluster can reach, and through which objects.

A workload is exposed when a Service of type ``LoadBalancer`` or ``NodePort`` selects its pods,
or when an Ingress routes to a Service (of any type) that selects them. Only Services in the
workload's namespace can select its pods, and an Ingress reaches only Services of its own
namespace. A Service without a selector has its endpoints managed by hand and is not followed.
Gateway API routes are not followed: whether a Gateway is reachable from outside depends on its
class and the load balancer controller, which manifests do not say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.engines.posture.views import WorkloadView, as_list, as_mapping, as_str, get
from kubeguard.model import Inventory, K8sObject

#: Service types that open a port outside the cluster by themselves.
EXTERNAL_SERVICE_TYPES = frozenset({"LoadBalancer", "NodePort"})


@dataclass(frozen=True, slots=True)
class Route:
    """One way in: a Service that selects pods, and what makes it reachable from outside."""

    service: str
    """``namespace/name`` of the Service."""
    selector: LabelSelector
    via: str
    """``LoadBalancer Service shop/web`` or ``Ingress shop/web to Service shop/web``."""


class Exposure:
    """The routes into every namespace, computed once per scan."""

    def __init__(self, inventory: Inventory) -> None:
        # Routes by (namespace, one label pair their selector requires): a workload meets only
        # the routes filed under one of its own labels, not every Service of its namespace.
        self._routes: dict[tuple[str, str, str], list[tuple[int, Route]]] = defaultdict(list)
        self._count = 0
        services: dict[tuple[str, str], K8sObject] = {}
        for service in inventory.of_kind("Service"):
            namespace = service.effective_namespace or "default"
            services[(namespace, service.name)] = service
            service_type = as_str(get(service.manifest, "spec", "type"))
            if service_type in EXTERNAL_SERVICE_TYPES:
                self._add(service, f"{service_type} Service {namespace}/{service.name}")
        for ingress in inventory.of_kind("Ingress"):
            namespace = ingress.effective_namespace or "default"
            for name in sorted(set(ingress_backends(ingress.manifest))):
                backend = services.get((namespace, name))
                if backend is not None:
                    via = f"Ingress {namespace}/{ingress.name} to Service {namespace}/{name}"
                    self._add(backend, via)

    def _add(self, service: K8sObject, via: str) -> None:
        selector = as_mapping(get(service.manifest, "spec", "selector"))
        if selector:
            namespace = service.effective_namespace or "default"
            route = Route(f"{namespace}/{service.name}", LabelSelector.from_map(selector), via)
            key, value = next(iter(selector.items()))
            self._routes[(namespace, str(key), str(value))].append((self._count, route))
            self._count += 1

    def routes_to(self, workload: WorkloadView) -> list[Route]:
        """The routes whose Service selects the workload's pods."""
        labels = workload.pod_labels
        candidates = {
            order: route
            for key, value in labels.items()
            for order, route in self._routes.get((workload.namespace, str(key), str(value)), ())
        }
        return [route for _, route in sorted(candidates.items()) if route.selector.matches(labels)]


def exposure_of(inventory: Inventory) -> Exposure:
    """The scan's exposure index, built on first use."""
    return inventory.derived(Exposure, Exposure)


def ingress_backends(manifest: Mapping[str, Any]) -> Iterator[str]:
    """Names of the Services an Ingress routes to (``networking.k8s.io/v1`` and v1beta1 shapes)."""
    spec = as_mapping(manifest.get("spec"))
    backends = [spec.get("defaultBackend"), spec.get("backend")]
    for rule in as_list(spec.get("rules")):
        backends.extend(get(path, "backend") for path in as_list(get(rule, "http", "paths")))
    for backend in backends:
        name = as_str(get(backend, "service", "name")) or as_str(get(backend, "serviceName"))
        if name:
            yield name
