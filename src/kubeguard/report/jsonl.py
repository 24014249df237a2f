"""JSON lines: one finding per line, for piping (``kubeguard detect --format jsonl | jq``).

Each line is the finding as the JSON report writes it (see docs/json-schema.md,
``findings[]``), written as soon as the finding is known, so a consumer sees a detection when its
aggregation window closes rather than when the whole input is read.
"""

from __future__ import annotations

import orjson

from kubeguard.model import Finding, RuleInfo
from kubeguard.report.json import finding_document


def finding_line(finding: Finding, rule: RuleInfo | None) -> str:
    """One finding as one line of JSON, newline included."""
    return orjson.dumps(finding_document(finding, rule)).decode() + "\n"
