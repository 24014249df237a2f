"""docs/detect-serve.md shows a detect.yaml that the server accepts, field for field."""

from __future__ import annotations

from pathlib import Path

from kubeguard.config import read_config_file
from kubeguard.report import OutputFormat
from kubeguard.webhook.config import ServeFile
from tests.conftest import ROOT


def documented_config(tmp_path: Path) -> Path:
    text = (ROOT / "docs" / "detect-serve.md").read_text(encoding="utf-8")
    block = text.split("### detect.yaml", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "detect.yaml"
    path.write_text(block)
    return path


def test_the_documented_detect_yaml_is_valid(tmp_path):
    parsed = ServeFile.model_validate(read_config_file(documented_config(tmp_path)))
    assert parsed.listen == "127.0.0.1:8443"
    assert parsed.spool.segment_size == 64 << 20
    assert parsed.limits.max_body == 12 << 20
    assert parsed.limits.idle_timeout == 120
    assert parsed.outputs.report_format is OutputFormat.SARIF
    assert parsed.auth.client_subjects == ["kube-apiserver"]
    # The documented values are the defaults, except where the example says otherwise.
    defaults = ServeFile()
    assert parsed.limits == defaults.limits
    assert parsed.spool.commit_interval == defaults.spool.commit_interval
    assert parsed.detection.learning_window == 7 * 86400
