"""The README quotes the real ``kubeguard scan --help`` and the two set-up commands."""

from __future__ import annotations

import pytest

from kubeguard.cli.main import main
from tests.conftest import ROOT


def test_readme_quotes_current_scan_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--help"]) == 0
    help_text = capsys.readouterr().out.rstrip("\n")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"$ kubeguard scan --help\n{help_text}\n```" in readme, (
        "README's `kubeguard scan --help` block is stale: paste the current output"
    )


def test_readme_starts_with_the_two_setup_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make demo" in head
    assert "make test" in head
