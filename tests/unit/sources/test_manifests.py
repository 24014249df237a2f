"""Reading manifests: documents, lists, folders, stdin, JSON, and where each object came from."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from kubeguard.model import K8sObject, SourceError
from kubeguard.sources import manifests, read_manifests
from tests.conftest import corpus_dir

MULTI = """\
# leading comment
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: api, namespace: shop}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings, namespace: shop}
---
--- # an empty document
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/api:1.4
          securityContext:
            privileged: true
"""


def _objects(items: Sequence[object]) -> list[K8sObject]:
    return [item for item in items if isinstance(item, K8sObject)]


def test_documents_lists_and_lines(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(MULTI)
    objects = _objects(list(read_manifests([str(tmp_path / "app.yaml")])))
    assert [(o.kind, o.name) for o in objects] == [
        ("Namespace", "shop"),
        ("ServiceAccount", "api"),
        ("ConfigMap", "settings"),
        ("Deployment", "api"),
    ]
    assert [o.source.line for o in objects] == [2, 10, 13, 18]
    assert [o.source.document for o in objects] == [0, 1, 1, 2]
    deployment = objects[-1]
    path = ("spec", "template", "spec", "containers", 0, "securityContext", "privileged")
    assert deployment.location_of(path).line == 30
    # A missing field points at its nearest existing parent.
    missing = ("spec", "template", "spec", "containers", 0, "resources", "limits")
    assert deployment.location_of(missing).line == 27


def test_folders_are_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "one.yml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n"
    )
    (tmp_path / "a.json").write_text(
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "two"}}'
    )
    (tmp_path / ".git" / "x.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n"
    )
    (tmp_path / "notes.txt").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: text}\n")
    names = [o.name for o in _objects(list(read_manifests([str(tmp_path)])))]
    assert names == ["two", "one"]


def test_stdin(tmp_path: Path) -> None:
    stream = io.BytesIO(MULTI.encode())
    objects = _objects(list(read_manifests(["-"], stdin=stream)))
    assert len(objects) == 4
    assert objects[0].source.path == "-"


def test_stdin_over_the_limit_is_an_error() -> None:
    stream = io.BytesIO(b"a: 1\n" * 100)
    items = list(read_manifests(["-"], stdin=stream, max_file_bytes=50))
    assert len(items) == 1
    assert isinstance(items[0], SourceError)


def test_whole_manifest_corpus_reads_without_error() -> None:
    folder = corpus_dir("manifests")
    items = list(read_manifests([str(folder)]))
    errors = [str(item) for item in items if isinstance(item, SourceError)]
    assert errors == []
    objects = _objects(items)
    assert len(objects) >= 1600
    # kube-prometheus CRDs use the YAML 1.1 '=' scalar, which strict loaders reject.
    crd = next(o for o in objects if o.name == "alertmanagerconfigs.monitoring.coreos.com")
    assert "=" in str(crd.manifest)


@pytest.mark.parametrize("workers", [1, 2])
def test_meanwhile_runs_once_in_this_process_while_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(manifests, "PARALLEL_MIN_BYTES", 0)
    for index in range(6):
        (tmp_path / f"cm{index}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{index}\n"
        )
    calls: list[int] = []
    items = list(
        read_manifests(
            [str(tmp_path)], workers=workers, meanwhile=lambda: calls.append(os.getpid())
        )
    )
    assert calls == [os.getpid()]
    assert [o.name for o in _objects(items)] == [f"cm{index}" for index in range(6)]
