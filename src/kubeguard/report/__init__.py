"""Reports: one module per output format, each ``render(result, options) -> str``."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from kubeguard.findings import ScanResult
from kubeguard.report.options import ReportOptions


class OutputFormat(StrEnum):
    """Every output format of ``kubeguard scan``."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"


def render(result: ScanResult, output_format: OutputFormat, options: ReportOptions) -> str:
    """Render ``result`` in ``output_format``.

    Each format is imported when used: the terminal table pulls in Rich, which a JSON or SARIF
    run in CI should not pay for.
    """
    match output_format:
        case OutputFormat.TABLE:
            from kubeguard.report import table

            return table.render(result, options)
        case OutputFormat.JSON:
            from kubeguard.report import json

            return json.render(result, options)
        case OutputFormat.SARIF:
            from kubeguard.report import sarif

            return sarif.render(result, options)
        case OutputFormat.JUNIT:
            from kubeguard.report import junit

            return junit.render(result, options)
        case _:
            assert_never(output_format)


def render_bytes(result: ScanResult, output_format: OutputFormat, options: ReportOptions) -> bytes:
    """:func:`render` as UTF-8, for writing: JSON and SARIF are built as bytes, not decoded."""
    match output_format:
        case OutputFormat.JSON:
            from kubeguard.report import json

            return json.render_bytes(result, options)
        case OutputFormat.SARIF:
            from kubeguard.report import sarif

            return sarif.render_bytes(result, options)
        case _:
            return render(result, output_format, options).encode()


__all__ = ["OutputFormat", "ReportOptions", "render", "render_bytes"]
