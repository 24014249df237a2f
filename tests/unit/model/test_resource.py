"""Identity of objects read from manifests."""

from __future__ import annotations

from kubeguard.model import K8sObject, SourceLocation


def _kubelet_config(document: int) -> K8sObject:
    manifest = {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}
    return K8sObject(manifest, SourceLocation("node/kubelet-config.json", 1, None, document))


def test_an_unnamed_component_config_is_named_after_its_file_and_has_no_namespace() -> None:
    first, second = _kubelet_config(0), _kubelet_config(1)
    assert first.name == "node/kubelet-config.json"
    assert second.name == "node/kubelet-config.json#1"
    assert first.key != second.key
    assert first.effective_namespace is None


def test_api_objects_keep_their_names_and_default_namespace() -> None:
    unnamed = K8sObject({"apiVersion": "v1", "kind": "ConfigMap"}, SourceLocation("cm.yaml"))
    assert unnamed.name == ""
    assert unnamed.effective_namespace == "default"
    named = K8sObject(
        {
            "apiVersion": "kubelet.config.k8s.io/v1beta1",
            "kind": "KubeletConfiguration",
            "metadata": {"name": "workers"},
        },
        SourceLocation("node.yaml"),
    )
    assert named.name == "workers"
