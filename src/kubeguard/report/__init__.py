"""Reports: one module per output format, each ``render(result, options) -> str``."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from kubeguard.findings import ScanResult
from kubeguard.report import json, junit, sarif, table
from kubeguard.report.options import ReportOptions


class OutputFormat(StrEnum):
    """Every output format of ``kubeguard scan``."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"


def render(result: ScanResult, output_format: OutputFormat, options: ReportOptions) -> str:
    """Render ``result`` in ``output_format``."""
    match output_format:
        case OutputFormat.TABLE:
            return table.render(result, options)
        case OutputFormat.JSON:
            return json.render(result, options)
        case OutputFormat.SARIF:
            return sarif.render(result, options)
        case OutputFormat.JUNIT:
            return junit.render(result, options)
        case _:
            assert_never(output_format)


__all__ = ["OutputFormat", "ReportOptions", "render"]
