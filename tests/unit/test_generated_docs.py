"""Generated documentation matches the code (regenerate with ``make docs``)."""

from __future__ import annotations

from kubeguard.engines.posture import load_controls
from kubeguard.report.catalog import CatalogFormat, render_catalog
from tests.conftest import ROOT


def test_controls_reference_is_up_to_date() -> None:
    expected = render_catalog([c.info for c in load_controls()], CatalogFormat.MARKDOWN)
    current = (ROOT / "docs" / "reference" / "controls.md").read_text(encoding="utf-8")
    assert current == expected, "docs/reference/controls.md is stale: run `make docs`"
