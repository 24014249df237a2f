"""Secret and claim references of a pod spec, tolerant of malformed entries."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.data_access import claim_references, secret_references
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import K8sObject, SourceLocation


def _workload(spec: Any) -> WorkloadView:
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    view = WorkloadView.of(K8sObject(manifest, SourceLocation("pod.yaml")))
    assert view is not None
    return view


def test_references_are_named_with_their_paths() -> None:
    workload = _workload(
        {
            "volumes": [
                {"name": "a", "projected": {"sources": [{"secret": {"name": "s1"}}]}},
                {"name": "b", "persistentVolumeClaim": {"claimName": "c1"}},
            ],
            "containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "s2"}}]}],
        }
    )
    assert [(r.what, r.path) for r in secret_references(workload)] == [
        ("Secret s1", ("spec", "volumes", 0, "projected", "sources", 0)),
        ("Secret s2", ("spec", "containers", 0, "envFrom", 0, "secretRef")),
    ]
    assert [(r.what, r.path) for r in claim_references(workload)] == [
        ("PersistentVolumeClaim c1", ("spec", "volumes", 1, "persistentVolumeClaim")),
    ]


@pytest.mark.parametrize(
    "spec",
    [
        {"volumes": "x"},
        {"volumes": [None, {"secret": ["s"]}, {"projected": {"sources": "s"}}]},
        {"volumes": [{"csi": {"driver": 5}}, {"persistentVolumeClaim": {"claimName": 3}}]},
        {"containers": [{"env": [{"name": "A", "valueFrom": "x"}], "envFrom": [3, None]}]},
    ],
)
def test_malformed_entries_give_no_references(spec: Any) -> None:
    workload = _workload(spec)
    assert list(secret_references(workload)) == []
    assert list(claim_references(workload)) == []
