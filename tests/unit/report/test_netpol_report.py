"""Every netpol output format renders; the dispatch is exhaustive."""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.netpol import (
    network_of,
    reach,
    resolve,
    security_groups_of,
    workload_matrix,
)
from kubeguard.engines.posture.netpol.ports import Protocol
from kubeguard.model import Inventory, K8sObject, SourceLocation
from kubeguard.report.netpol import MatrixFormat, ReachFormat, render_matrix, render_reach

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "a", "namespace": "x", "labels": {"app": "a"}},
    "spec": {"containers": []},
}


def _inventory() -> Inventory:
    return Inventory([K8sObject(POD, SourceLocation("t.yaml"))])


@pytest.mark.parametrize("output_format", list(ReachFormat))
def test_every_reach_format_renders(output_format: ReachFormat) -> None:
    inventory = _inventory()
    network = network_of(inventory)
    answer = reach(
        network,
        security_groups_of(inventory),
        resolve(network, "x/a"),
        resolve(network, "ip:8.8.8.8"),
        53,
        Protocol.UDP,
    )
    assert "UDP" in render_reach(answer, output_format)


@pytest.mark.parametrize("output_format", list(MatrixFormat))
def test_every_matrix_format_renders(output_format: MatrixFormat) -> None:
    matrix = workload_matrix(network_of(_inventory()), "x")
    assert "x/Pod/a" in render_matrix(matrix, output_format)
