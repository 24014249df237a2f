"""Reports: one module per output format, each ``render(result, options) -> str``."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from kubeguard.findings import ScanResult
from kubeguard.report import json
from kubeguard.report.options import ReportOptions


class OutputFormat(StrEnum):
    """Every output format of ``kubeguard scan``."""

    JSON = "json"


def render(result: ScanResult, output_format: OutputFormat, options: ReportOptions) -> str:
    """Render ``result`` in ``output_format``."""
    match output_format:
        case OutputFormat.JSON:
            return json.render(result, options)
        case _:
            assert_never(output_format)


__all__ = ["OutputFormat", "ReportOptions", "render"]
