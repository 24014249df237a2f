"""NetworkPolicy queries: ``reach`` (may A connect to B?) and ``matrix`` (who may talk to whom).

They read the same inputs as ``scan`` through :func:`kubeguard.scan.read_inputs`. An input that
cannot be read makes the answer unreliable (a missing policy changes it), so no answer is given
then: the result carries the input errors instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from kubeguard.engines.posture.netpol import (
    Matrix,
    Reachability,
    network_of,
    parse_port,
    reach,
    resolve,
    security_groups_of,
    workload_matrix,
)
from kubeguard.engines.posture.netpol.matrix import workloads
from kubeguard.engines.posture.netpol.reach import EndpointError
from kubeguard.engines.posture.netpol.text import listing
from kubeguard.model import Inventory
from kubeguard.scan import QueryResult, answer_from_inputs
from kubeguard.sources.manifests import DEFAULT_MAX_FILE_BYTES


def reach_query(
    paths: Iterable[str],
    source: str,
    destination: str,
    port: str,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stdin: BinaryIO | None = None,
) -> QueryResult[Reachability]:
    """May ``source`` open a connection to ``destination`` on ``port`` (``N[/PROTO]``)?

    Raises :class:`~kubeguard.engines.posture.netpol.EndpointError` for a port or endpoint that
    names nothing in the inputs.
    """
    number, protocol = parse_port(port)

    def ask(inventory: Inventory) -> Reachability:
        network = network_of(inventory)
        return reach(
            network,
            security_groups_of(inventory),
            resolve(network, source),
            resolve(network, destination),
            number,
            protocol,
        )

    return answer_from_inputs(paths, ask, max_file_bytes=max_file_bytes, stdin=stdin)


def matrix_query(
    paths: Iterable[str],
    namespace: str | None = None,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stdin: BinaryIO | None = None,
) -> QueryResult[Matrix]:
    """The workload-to-workload matrix of ``namespace`` (every namespace if ``None``).

    Raises :class:`~kubeguard.engines.posture.netpol.EndpointError` when the namespace runs no
    workload in the inputs.
    """

    def ask(inventory: Inventory) -> Matrix:
        network = network_of(inventory)
        if namespace is not None and not workloads(network, namespace):
            known = sorted({e.namespace for e in network.endpoints})
            hint = f"; namespaces with workloads: {listing(known, 10)}" if known else ""
            raise EndpointError(f"no workload runs in namespace {namespace!r} in the inputs{hint}")
        return workload_matrix(network, namespace)

    return answer_from_inputs(paths, ask, max_file_bytes=max_file_bytes, stdin=stdin)
