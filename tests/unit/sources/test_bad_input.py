"""Hostile and malformed input: one clear line naming the file and position, and the scan goes on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kubeguard.model import K8sObject, SourceError
from kubeguard.scan import UNREADABLE_INPUT, scan_manifests
from kubeguard.sources import read_manifests
from kubeguard.yaml_documents import MAX_DEPTH, MAX_EXPANDED_NODES

GOOD_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
    - name: app
      image: registry.example/app:1.0
      securityContext:
        privileged: true
"""


def _read(tmp_path: Path, name: str, content: str | bytes) -> list[object]:
    file = tmp_path / name
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content)
    return list(read_manifests([str(file)]))


def _only_error(items: list[object]) -> SourceError:
    errors = [item for item in items if isinstance(item, SourceError)]
    assert len(errors) == 1, items
    return errors[0]


def test_malformed_yaml_names_line_and_column_and_keeps_later_documents(tmp_path: Path) -> None:
    items = _read(
        tmp_path, "broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n---\n" + GOOD_POD
    )
    error = _only_error(items)
    assert error.location is not None
    assert error.location.path.endswith("broken.yaml")
    assert error.location.line == 4
    assert error.location.column is not None
    assert "invalid YAML" in error.message
    assert [o.name for o in items if isinstance(o, K8sObject)] == ["good"]


def test_malformed_json_is_called_json(tmp_path: Path) -> None:
    error = _only_error(_read(tmp_path, "pod.json", '{"apiVersion": "v1",\n "kind": "Pod"'))
    assert error.message.startswith("invalid JSON")
    assert str(error).startswith(str(tmp_path / "pod.json") + ":")


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous, current = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    error = _only_error(_read(tmp_path, "bomb.yaml", "\n".join(lines) + "\n"))
    assert time.perf_counter() - started < 5, "alias expansion must be bounded, not performed"
    assert "alias" in error.message
    assert f"{MAX_EXPANDED_NODES:,}" in error.message
    assert error.location is not None
    assert error.location.line is not None


def test_modest_aliasing_is_read_with_shared_values(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {app: x}}\ndata: *l\n"
    objects = [o for o in _read(tmp_path, "ok.yaml", text) if isinstance(o, K8sObject)]
    assert objects[0].manifest["data"] == {"app": "x"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flow.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        ("block.yaml", "".join(" " * depth + f"k{depth}:\n" for depth in range(10_000)) + "v\n"),
    ],
)
def test_ten_thousand_deep_nesting_is_an_error_with_position(
    tmp_path: Path, name: str, text: str
) -> None:
    error = _only_error(_read(tmp_path, name, text))
    assert "nesting depth" in error.message
    assert error.location is not None
    assert error.location.line is not None


def test_file_over_the_size_limit_is_refused_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    error = _only_error(list(read_manifests([str(huge)])))
    assert "200.0 MiB" in error.message
    assert "--max-file-size" in error.message


def test_binary_data_is_named_as_such(tmp_path: Path) -> None:
    error = _only_error(_read(tmp_path, "image.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "binary" in error.message
    assert error.location is not None
    assert error.location.line == 3


def test_non_utf8_names_line_and_column(tmp_path: Path) -> None:
    data = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf" + b"\xe9}\n"
    error = _only_error(_read(tmp_path, "latin1.yaml", data))
    assert "not UTF-8" in error.message
    assert error.location is not None
    assert (error.location.line, error.location.column) == (3, 21)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    items = _read(tmp_path, "utf16.yaml", GOOD_POD.encode("utf-16"))
    assert [o.name for o in items if isinstance(o, K8sObject)] == ["good"]


def test_missing_input_is_an_error_not_a_crash(tmp_path: Path) -> None:
    error = _only_error(list(read_manifests([str(tmp_path / "nope.yaml")])))
    assert error.message == "no such file or folder"


def test_custom_tags_never_construct_objects(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  a: !!python/object/apply:os.system [id]\n  b: !Ref x\n"
    objects = [o for o in _read(tmp_path, "tags.yaml", text) if isinstance(o, K8sObject)]
    assert objects[0].manifest["data"] == {"a": ["id"], "b": "x"}


def test_kubectl_yaml_quirks_are_read_not_rejected(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: quirks, name: last-wins}\n"
        "spec:\n  hostNetwork: yes\n  containers:\n    - name: c\n      image: i:1\n"
        "      args: [=, on, off]\n"
    )
    items = _read(tmp_path, "quirks.yaml", text)
    pod = next(o for o in items if isinstance(o, K8sObject))
    assert pod.name == "last-wins"
    assert pod.manifest["spec"]["hostNetwork"] is True
    assert pod.manifest["spec"]["containers"][0]["args"] == ["=", True, False]


def test_scan_goes_on_and_is_marked_incomplete(tmp_path: Path) -> None:
    (tmp_path / "a-broken.yaml").write_text("kind: [\n")
    (tmp_path / "b-good.yaml").write_text(GOOD_POD)
    result = scan_manifests([str(tmp_path)])
    assert result.incomplete
    errors = result.errors
    assert [e.control_id for e in errors] == [UNREADABLE_INPUT]
    assert errors[0].location is not None
    assert errors[0].location.path.endswith("a-broken.yaml")
    assert any(f.control_id == "KG-POD-001" for f in result.failures())


def test_wrong_field_types_are_reported_at_their_line(tmp_path: Path) -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo}\nspec:\n  template:\n"
        '    spec:\n      hostPID: "true"\n      containers: nginx\n'
    )
    (tmp_path / "types.yaml").write_text(text)
    result = scan_manifests([str(tmp_path / "types.yaml")])
    messages = {(e.location.line if e.location else None): e.message for e in result.errors}
    assert messages == {
        7: "spec.template.spec.hostPID: expected a boolean, got a string",
        8: "spec.template.spec.containers: expected a list, got a string",
    }


def test_unknown_kinds_and_crds_are_read_without_error(tmp_path: Path) -> None:
    text = (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n---\n"
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: widgets.example.com}\nspec: {group: example.com}\n"
    )
    (tmp_path / "crd.yaml").write_text(text)
    result = scan_manifests([str(tmp_path / "crd.yaml")])
    assert result.objects == 2
    assert not result.incomplete


def test_non_kubernetes_yaml_is_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("replicaCount: 2\nimage: {tag: 1.0}\n")
    result = scan_manifests([str(tmp_path)])
    assert result.objects == 0
    assert not result.incomplete
    assert [note.message for note in result.notes] == [
        "no apiVersion and kind: not a Kubernetes object"
    ]


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_refused(tmp_path: Path, text: str) -> None:
    error = _only_error(_read(tmp_path, "loop.yaml", text))
    assert "recursive alias" in error.message


def test_nesting_past_our_limit_but_within_libyaml_is_refused(tmp_path: Path) -> None:
    error = _only_error(_read(tmp_path, "deep.yaml", "- " * (MAX_DEPTH + 50) + "1\n"))
    assert f"deeper than {MAX_DEPTH}" in error.message


def test_merge_keys_as_kubectl_reads_them(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
        "base: &base {a: '1', b: '2'}\ndata:\n  <<: [*base, {c: '3'}]\n  b: override\n"
    )
    objects = [o for o in _read(tmp_path, "merge.yaml", text) if isinstance(o, K8sObject)]
    assert objects[0].manifest["data"] == {"a": "1", "b": "override", "c": "3"}
