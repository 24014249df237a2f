"""Running ``kubeguard`` in-process, isolated from the caller's folder, environment and catalogue.

CLI behaviour (exit codes, thresholds, exceptions) is tested with the real KG-POD-001 only, so
the tests do not change as controls are added; :func:`only_privileged_control` arranges that.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import kubeguard.scan
from kubeguard.cli.main import main
from kubeguard.engines.posture import Control, load_controls
from kubeguard.model import ControlId, Severity

PRIVILEGED = ControlId("KG-POD-001")


def pod(name: str, *, privileged: bool, namespace: str = "web", annotations: str = "") -> str:
    """A one-container Pod manifest, privileged or not."""
    meta = f"  annotations:\n{annotations}" if annotations else ""
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {namespace}
{meta}spec:
  containers:
    - name: main
      image: registry.example/app:1.0
      securityContext:
        privileged: {"true" if privileged else "false"}
"""


def line_containing(text: str, needle: str, occurrence: int = 0) -> int:
    """The 1-based number of the line of ``text`` with the ``occurrence``-th ``needle``."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return numbers[occurrence]


#: The line a privileged pod's offending field is on.
PRIVILEGED_LINE = line_containing(pod("any", privileged=True), "privileged: true")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one CLI run returned and printed."""

    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        """Standard output parsed as the JSON report."""
        document: dict[str, Any] = json.loads(self.out)
        return document

    def findings(self, control_id: str = PRIVILEGED) -> list[dict[str, Any]]:
        """The JSON report's findings of one control."""
        return [f for f in self.json()["findings"] if f["control_id"] == control_id]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Outcome:
    """Run ``kubeguard *argv`` and capture what it printed."""
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Run in ``folder`` with no ``KUBEGUARD_*``/``NO_COLOR`` variables from the caller."""
    monkeypatch.chdir(folder)
    for name in list(os.environ):
        if name.startswith("KUBEGUARD_") or name == "NO_COLOR":
            monkeypatch.delenv(name)


def only_privileged_control(
    monkeypatch: pytest.MonkeyPatch, severity: Severity | None = None
) -> Control[Any]:
    """Make scans run KG-POD-001 alone, optionally re-rated to ``severity``."""
    (control,) = [c for c in load_controls() if c.id == PRIVILEGED]
    if severity is not None:
        control = dataclasses.replace(control, severity=severity)
    monkeypatch.setattr(kubeguard.scan, "load_controls", lambda: [control])
    return control


def write(folder: Path, name: str, text: str) -> str:
    """Write ``text`` to ``folder/name`` and return the name (relative to the scan folder)."""
    (folder / name).write_text(text, encoding="utf-8")
    return name
