"""Every CLI test runs in its own empty folder, with a clean environment and KG-POD-001 alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli.helpers import isolate, only_privileged_control


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)
    only_privileged_control(monkeypatch)
