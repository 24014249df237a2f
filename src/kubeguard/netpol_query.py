"""NetworkPolicy queries: ``reach`` (may A connect to B?) and ``matrix`` (who may talk to whom).

They read the same inputs as ``scan`` through :func:`kubeguard.scan.read_inputs`. An input that
cannot be read makes the answer unreliable (a missing policy changes it), so no answer is given
then: the result carries the input errors instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, Generic, TypeVar

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
from kubeguard.model import Finding, Inventory
from kubeguard.scan import read_inputs
from kubeguard.sources.manifests import DEFAULT_MAX_FILE_BYTES

Answer = TypeVar("Answer")


@dataclass(frozen=True, slots=True)
class QueryResult(Generic[Answer]):
    """The answer, or (when some input could not be read) the input errors."""

    answer: Answer | None
    errors: tuple[Finding, ...] = ()


def _load(
    paths: Iterable[str], max_file_bytes: int, stdin: BinaryIO | None
) -> tuple[Inventory | None, tuple[Finding, ...]]:
    loaded = read_inputs(paths, max_file_bytes=max_file_bytes, stdin=stdin)
    if loaded.errors:
        return None, tuple(loaded.errors)
    return loaded.inventory, ()


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
    inventory, errors = _load(paths, max_file_bytes, stdin)
    if inventory is None:
        return QueryResult(None, errors)
    network = network_of(inventory)
    answer = reach(
        network,
        security_groups_of(inventory),
        resolve(network, source),
        resolve(network, destination),
        number,
        protocol,
    )
    return QueryResult(answer)


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
    inventory, errors = _load(paths, max_file_bytes, stdin)
    if inventory is None:
        return QueryResult(None, errors)
    network = network_of(inventory)
    if namespace is not None and not workloads(network, namespace):
        known = sorted({e.namespace for e in network.endpoints})
        hint = f"; namespaces with workloads: {listing(known, 10)}" if known else ""
        raise EndpointError(f"no workload runs in namespace {namespace!r} in the inputs{hint}")
    return QueryResult(workload_matrix(network, namespace))
