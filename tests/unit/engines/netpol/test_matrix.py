"""The workload matrix: rows are sources, columns destinations, owned objects folded away."""

from __future__ import annotations

from kubeguard.engines.posture.netpol import workload_matrix
from tests.unit.engines.netpol.topology import build, policy, topology


def test_matrix_of_one_namespace() -> None:
    network = build(
        [
            *topology(),
            policy(
                "a-from-b",
                "x",
                podSelector={"matchLabels": {"pod": "a"}},
                ingress=[
                    {
                        "from": [{"podSelector": {"matchLabels": {"pod": "b"}}}],
                        "ports": [{"port": 80}],
                    }
                ],
            ),
        ]
    )
    matrix = workload_matrix(network, "x")
    names = [w.name for w in matrix.workloads]
    assert names == ["a", "b", "c"]
    cell = {(names[i], names[j]): matrix.cells[i][j].describe() for i in range(3) for j in range(3)}
    assert cell[("b", "a")] == "TCP/80"
    assert cell[("c", "a")] == "none"
    assert cell[("a", "b")] == "all"


def test_matrix_of_everything_and_its_notes() -> None:
    objects = [o for o in topology() if o["kind"] != "Namespace"]
    matrix = workload_matrix(build(objects))
    assert len(matrix.workloads) == 9
    assert all(ports.is_every for row in matrix.cells for ports in row)
    assert any("namespaces not in the inputs (x, y, z)" in note for note in matrix.notes)


def test_owned_pods_are_folded_into_their_workload() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "x"},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}},
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-1",
            "namespace": "x",
            "labels": {"app": "web"},
            "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": True}],
        },
        "spec": {"containers": []},
    }
    matrix = workload_matrix(build([deployment, pod]), "x")
    assert [w.name for w in matrix.workloads] == ["web"]
