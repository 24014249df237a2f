"""A node's kubelet-config.json, in the JSON form the EKS AMIs write, is scanned end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.cli.main import main

KUBELET_CONFIG = """\
{
  "kind": "KubeletConfiguration",
  "apiVersion": "kubelet.config.k8s.io/v1beta1",
  "authentication": {
    "anonymous": {
      "enabled": false
    },
    "x509": {
      "clientCAFile": "/etc/kubernetes/pki/ca.crt"
    }
  },
  "authorization": {
    "mode": "Webhook"
  },
  "readOnlyPort": 10255,
  "serverTLSBootstrap": true
}
"""
KUBELET_IDS = {f"KG-INFRA-{number:03d}" for number in range(3, 11)}


def test_a_json_kubelet_configuration_is_judged_with_the_offending_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("kubelet-config.json").write_text(KUBELET_CONFIG, encoding="utf-8")
    code = main(
        ["scan", "kubelet-config.json", "--layer", "infrastructure", "--format", "json"]
        + ["--show-passed"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == ExitCode.FINDINGS
    assert report["summary"]["objects"] == 1
    judged = {f["control_id"]: f for f in report["findings"] if f["control_id"] in KUBELET_IDS}
    assert set(judged) == KUBELET_IDS
    failed = {control for control, finding in judged.items() if finding["status"] == "fail"}
    assert failed == {"KG-INFRA-006"}
    port = judged["KG-INFRA-006"]
    assert port["location"]["path"] == "kubelet-config.json"
    assert (
        port["location"]["line"]
        == KUBELET_CONFIG.splitlines().index('  "readOnlyPort": 10255,') + 1
    )
    assert port["resource"]["kind"] == "KubeletConfiguration"
