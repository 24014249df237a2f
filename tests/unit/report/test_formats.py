"""Every output format renders, and the CLI offers exactly the formats that exist."""

from __future__ import annotations

import pytest

from kubeguard.cli.scan_command import scan
from kubeguard.report import OutputFormat, ReportOptions, render
from tests.unit.report.sample import PRIVILEGED, sample_result


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_renders_the_findings(output_format: OutputFormat) -> None:
    text = render(sample_result(), output_format, ReportOptions(color=False))
    assert text.endswith("\n")
    assert PRIVILEGED in text
    assert "app.yaml" in text
    # An unreadable input is reported by every format.
    assert "broken.yaml" in text


def test_the_scan_command_offers_every_format_and_defaults_to_the_table() -> None:
    (option,) = [p for p in scan.params if p.name == "output_format"]
    assert list(getattr(option.type, "choices", ())) == [f.value for f in OutputFormat]
    assert option.default == OutputFormat.TABLE.value
