"""The upstream e2e topology (namespaces x, y, z; pods a, b, c) as objects, and probes over it.

As in kubernetes/kubernetes test/e2e/network/netpol: pods carry ``pod=<name>``, namespaces
``ns=<name>`` (plus the automatic name label), every pod serves ports 80 and 81 on TCP, UDP and
SCTP under the names ``serve-<port>-<protocol>``, and has the address ``10.<ns>.0.<pod>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubeguard.engines.posture.netpol import Network, Protocol, connection, network_of
from kubeguard.engines.posture.netpol.reach import resolve
from kubeguard.model import Inventory, K8sObject, SourceLocation

NAMESPACES = ("x", "y", "z")
PODS = ("a", "b", "c")
ALL = frozenset(f"{ns}/{pod}" for ns in NAMESPACES for pod in PODS)


def address(endpoint: str) -> str:
    """The pod address the topology gives ``ns/pod``."""
    namespace, pod = endpoint.split("/")
    return f"10.{NAMESPACES.index(namespace) + 1}.0.{PODS.index(pod) + 1}"


def pod(namespace: str, name: str, **spec: Any) -> dict[str, Any]:
    """A Pod of the topology; ``spec`` fields override the defaults."""
    ports = [
        {"name": f"serve-{port}-{protocol.lower()}", "containerPort": port, "protocol": protocol}
        for port in (80, 81)
        for protocol in ("TCP", "UDP", "SCTP")
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"pod": name}},
        "spec": {"containers": [{"name": "c", "image": "agnhost", "ports": ports}], **spec},
        "status": {"podIPs": [{"ip": address(f"{namespace}/{name}")}]} if name in PODS else {},
    }


def topology() -> list[dict[str, Any]]:
    """Namespaces x, y, z with pods a, b, c each."""
    objects: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"ns": ns}}}
        for ns in NAMESPACES
    ]
    objects += [pod(ns, name) for ns in NAMESPACES for name in PODS]
    return objects


def policy(name: str, namespace: str, **spec: Any) -> dict[str, Any]:
    """A NetworkPolicy with ``spec``."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def build(objects: Iterable[dict[str, Any]]) -> Network:
    """The network index of ``objects``."""
    return network_of(Inventory(K8sObject(o, SourceLocation("test.yaml")) for o in objects))


def with_policies(*policies: dict[str, Any]) -> Network:
    """The topology plus ``policies``."""
    return build([*topology(), *policies])


def allowed(
    network: Network, source: str, destination: str, port: int = 80, protocol: str = "TCP"
) -> bool:
    """Whether ``source`` may connect to ``destination`` (``ns/pod`` or ``ip:ADDRESS``)."""
    ends = [resolve(network, text).target for text in (source, destination)]
    return connection(network, ends[0], ends[1]).allows(Protocol(protocol), port)


def reachable(network: Network, port: int = 80, protocol: str = "TCP") -> set[tuple[str, str]]:
    """Every ordered pair of distinct topology pods that may connect (loopback excluded)."""
    return {
        (source, destination)
        for source in ALL
        for destination in ALL
        if source != destination and allowed(network, source, destination, port, protocol)
    }


def every_pair() -> set[tuple[str, str]]:
    """All ordered pairs of distinct pods."""
    return {(s, d) for s in ALL for d in ALL if s != d}


def into(destinations: Iterable[str]) -> set[tuple[str, str]]:
    """Every pair whose destination is one of ``destinations``."""
    wanted = set(destinations)
    return {(s, d) for s, d in every_pair() if d in wanted}


def out_of(sources: Iterable[str]) -> set[tuple[str, str]]:
    """Every pair whose source is one of ``sources``."""
    wanted = set(sources)
    return {(s, d) for s, d in every_pair() if s in wanted}
