"""``netpol matrix``: which workload may open connections to which, and on which ports.

Rows are sources, columns destinations. A workload is an object that runs pods and is not
owned by another object among the inputs (a Deployment, not its ReplicaSets and Pods). Cells are
computed once per pair of pod classes, so replicas and look-alike workloads cost nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.engines.posture.netpol.endpoints import Endpoint, PodClass
from kubeguard.engines.posture.netpol.evaluate import allowed_ports
from kubeguard.engines.posture.netpol.network import Network
from kubeguard.engines.posture.netpol.ports import PortSet


@dataclass(frozen=True, slots=True)
class Matrix:
    """Allowed ports between every pair of workloads."""

    namespace: str | None
    """The namespace shown, or ``None`` for all."""
    workloads: tuple[Endpoint, ...]
    cells: tuple[tuple[PortSet, ...], ...]
    """``cells[i][j]``: what workload ``i`` may open to workload ``j``."""
    notes: tuple[str, ...]


def workloads(network: Network, namespace: str | None) -> tuple[Endpoint, ...]:
    """The workloads of ``namespace`` (all if ``None``), ordered by namespace, kind and name."""
    return tuple(
        sorted(
            (
                e
                for e in network.endpoints
                if not e.owned and (namespace is None or e.namespace == namespace)
            ),
            key=lambda e: (e.namespace, e.kind, e.name),
        )
    )


def workload_matrix(network: Network, namespace: str | None = None) -> Matrix:
    """The workload-to-workload matrix of ``namespace`` (every namespace if ``None``)."""
    rows = workloads(network, namespace)
    classes = [network.class_of[e] for e in rows]
    by_pair: dict[tuple[PodClass, PodClass], PortSet] = {}
    cells = []
    for source in classes:
        row = []
        for destination in classes:
            ports = by_pair.get((source, destination))
            if ports is None:
                ports = allowed_ports(network, source, destination)
                by_pair[(source, destination)] = ports
            row.append(ports)
        cells.append(tuple(row))
    return Matrix(namespace, rows, tuple(cells), tuple(_notes(network, rows)))


def _notes(network: Network, rows: tuple[Endpoint, ...]) -> list[str]:
    notes = []
    inferred = sorted({e.namespace for e in rows} & network.inferred_namespaces)
    if inferred:
        notes.append(
            f"namespaces not in the inputs ({', '.join(inferred)}): only their "
            "kubernetes.io/metadata.name label is known to namespaceSelectors"
        )
    host_network = [e.ref for e in rows if e.host_network]
    if host_network:
        notes.append(
            "host-network workloads are evaluated as node traffic (NetworkPolicy leaves them "
            f"undefined): {', '.join(host_network)}"
        )
    notes.append("traffic between a pod and its own node is always allowed and not shown")
    return notes
