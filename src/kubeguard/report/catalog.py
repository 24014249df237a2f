"""The control catalog as a table, JSON or Markdown (the generated reference is the latter)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import assert_never

import orjson

from kubeguard.model import RuleInfo


class CatalogFormat(StrEnum):
    """Formats of ``kubeguard controls``."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def render_catalog(rules: Sequence[RuleInfo], output_format: CatalogFormat) -> str:
    """Render the catalog of ``rules``."""
    match output_format:
        case CatalogFormat.TABLE:
            return _table(rules)
        case CatalogFormat.JSON:
            return _json(rules)
        case CatalogFormat.MARKDOWN:
            return _markdown(rules)
        case _:
            assert_never(output_format)


def _refs(rule: RuleInfo, separator: str = "; ") -> str:
    return separator.join(f"{key} {', '.join(ids)}" for key, ids in rule.refs.items())


def _table(rules: Sequence[RuleInfo]) -> str:
    rows = [("ID", "LAYER", "SEVERITY", "TITLE")]
    rows += [(r.id, str(r.layer or ""), r.severity.value, r.title) for r in rules]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    return "\n".join(lines) + f"\n\n{len(rules)} controls\n"


def _json(rules: Sequence[RuleInfo]) -> str:
    document = [
        {
            "id": r.id,
            "title": r.title,
            "layer": r.layer.value if r.layer else None,
            "severity": r.severity.value,
            "summary": r.summary,
            "rationale": r.rationale,
            "remediation": r.remediation,
            "references": {key: list(ids) for key, ids in r.refs.items()},
        }
        for r in rules
    ]
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _markdown(rules: Sequence[RuleInfo]) -> str:
    lines = [
        "# kubeguard controls",
        "",
        "| ID | Layer | Severity | Title | References |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        cells = (rule.id, str(rule.layer or ""), rule.severity.value, rule.title, _refs(rule))
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    for rule in rules:
        lines += ["", f"## {rule.id}: {rule.title}", "", rule.summary]
        if rule.rationale:
            lines += ["", rule.rationale]
        lines += ["", f"**Remediation.** {rule.remediation}"]
    return "\n".join(lines) + "\n"
