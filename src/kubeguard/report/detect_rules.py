"""Answers of ``kubeguard detect rules`` (the catalogue) and ``kubeguard detect test`` (rule tests)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, assert_never

import orjson

from kubeguard.engines.detect.testing import RuleTestResult


class RulesFormat(StrEnum):
    """Formats of ``kubeguard detect rules`` and ``kubeguard detect test``."""

    TABLE = "table"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One detection rule as the catalogue lists it."""

    id: str
    title: str
    level: str
    severity: str
    status: str
    finding_type: str
    tactics: tuple[str, ...]
    """ATT&CK tactic names."""
    techniques: tuple[str, ...]
    """ATT&CK techniques, ``T1609 Container Administration Command``."""
    origin: str
    """``built-in``, or the file and line of a user rule."""
    active: bool
    """Whether the rule can fire (a rule about a threat list that is not loaded cannot)."""
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Equivalent rules of other tools (``falco``)."""


def render_rule_catalog(entries: Sequence[RuleEntry], output_format: RulesFormat) -> str:
    """The catalogue of detection rules."""
    match output_format:
        case RulesFormat.TABLE:
            return _catalog_table(entries)
        case RulesFormat.JSON:
            return _json([_entry(entry) for entry in entries])
        case _:
            assert_never(output_format)


def render_rule_tests(results: Sequence[RuleTestResult], output_format: RulesFormat) -> str:
    """How each rule did on its sample events."""
    match output_format:
        case RulesFormat.TABLE:
            return _tests_table(results)
        case RulesFormat.JSON:
            return _json([_result(result) for result in results])
        case _:
            assert_never(output_format)


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + row[-1]
        for row in rows
    ]


def _catalog_table(entries: Sequence[RuleEntry]) -> str:
    rows = [("FINDING TYPE  ", "SEVERITY  ", "ATT&CK  ", "ACTIVE  ", "TITLE")]
    rows += [
        (
            entry.finding_type,
            entry.severity,
            ",".join(technique.split()[0] for technique in entry.techniques) or "-",
            "yes" if entry.active else "no",
            entry.title + ("" if entry.origin == "built-in" else f"  ({entry.origin})"),
        )
        for entry in entries
    ]
    active = sum(1 for entry in entries if entry.active)
    inactive = (
        f" ({len(entries) - active} need a threat list or a list you fill)"
        if active < len(entries)
        else ""
    )
    return "\n".join(_columns(rows)) + f"\n\n{len(entries)} rules, {active} active{inactive}\n"


def _entry(entry: RuleEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "finding_type": entry.finding_type,
        "level": entry.level,
        "severity": entry.severity,
        "status": entry.status,
        "tactics": list(entry.tactics),
        "techniques": list(entry.techniques),
        "origin": entry.origin,
        "active": entry.active,
        "references": {key: list(ids) for key, ids in entry.references.items()},
    }


def _tests_table(results: Sequence[RuleTestResult]) -> str:
    lines = []
    for result in results:
        verdict = "PASS" if result.passed else "FAIL"
        lines.append(
            f"{verdict}  {result.title} ({result.source}): {result.matched} matched, "
            f"{result.missed} near misses quiet"
        )
        lines += [f"      {problem}" for problem in result.problems]
        lines += [f"      {failure}" for failure in result.failures]
    failed = sum(1 for result in results if not result.passed)
    lines.append("")
    lines.append(f"{len(results)} rules tested, {failed} failed")
    return "\n".join(lines) + "\n"


def _result(result: RuleTestResult) -> dict[str, Any]:
    return {
        "id": result.rule_id,
        "title": result.title,
        "source": str(result.source),
        "passed": result.passed,
        "matched": result.matched,
        "quiet_near_misses": result.missed,
        "failures": [
            {"location": str(failure.location), "expected_match": failure.expected_match}
            for failure in result.failures
        ],
        "problems": list(result.problems),
    }


def _json(document: Any) -> str:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
