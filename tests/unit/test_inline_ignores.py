"""Ignore annotations written for kubeguard or for Checkov, Polaris and kube-score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubeguard.config import Config, parse_config
from kubeguard.findings import inline_ignores
from kubeguard.scan import ScanOptions, scan_manifests

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations: {annotations}
spec:
  containers:
    - name: agent
      image: registry.example/agent:1
      securityContext: {{privileged: true}}
"""


def _suppressed(
    tmp_path: Path, annotations: str, config: Config | None = None
) -> dict[str, str | None]:
    (tmp_path / "pod.yaml").write_text(POD.format(annotations=annotations))
    result = scan_manifests([str(tmp_path / "pod.yaml")], ScanOptions(config=config or Config()))
    return {f.control_id: f.suppressed_by for f in result.findings if f.status == "fail"}


@pytest.mark.parametrize(
    "annotations",
    [
        '{"kubeguard.io/ignore": "KG-POD-001"}',
        '{"kubeguard.io/ignore": "CKV_K8S_16"}',
        '{"checkov.io/skip1": "CKV_K8S_16=node agent needs it"}',
        '{"polaris.fairwinds.com/runAsPrivileged-exempt": "true"}',
        '{"kube-score/ignore": "container-image-tag,container-security-context-privileged"}',
    ],
)
def test_each_style_suppresses_the_mapped_control_only(tmp_path: Path, annotations: str) -> None:
    suppressed = _suppressed(tmp_path, annotations)
    assert suppressed["KG-POD-001"] is not None
    assert suppressed["KG-POD-003"] is None


def test_checkov_reason_is_kept(tmp_path: Path) -> None:
    suppressed = _suppressed(tmp_path, '{"checkov.io/skip3": "CKV_K8S_16=node agent needs it"}')
    assert suppressed["KG-POD-001"] == "annotation checkov.io/skip3: node agent needs it"


def test_other_ids_and_false_values_suppress_nothing(tmp_path: Path) -> None:
    suppressed = _suppressed(
        tmp_path,
        '{"checkov.io/skip1": "CKV_K8S_20=x", "polaris.fairwinds.com/runAsPrivileged-exempt": "false"}',
    )
    assert suppressed["KG-POD-001"] is None


def test_polaris_object_exemption_covers_only_controls_polaris_has(tmp_path: Path) -> None:
    suppressed = _suppressed(tmp_path, '{"polaris.fairwinds.com/exempt": "true"}')
    assert suppressed["KG-POD-001"] is not None  # Polaris runAsPrivileged
    assert suppressed["KG-POD-025"] is None  # naked pods: no Polaris equivalent


def test_config_exception_may_name_a_peer_id(tmp_path: Path) -> None:
    config = parse_config({"exceptions": [{"controls": ["CKV_K8S_16"], "reason": "agent"}]})
    suppressed = _suppressed(tmp_path, "{}", config)
    assert suppressed["KG-POD-001"] == "config exception: agent"


def test_malformed_annotation_values_are_ignored() -> None:
    malformed: dict[Any, Any] = {"kubeguard.io/ignore": ["KG-POD-001"], 7: "x"}
    assert list(inline_ignores(malformed)) == []
