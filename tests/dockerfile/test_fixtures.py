"""One generic test for every Dockerfile rule: its fixtures carry the expectations.

``tests/dockerfile/<rule module>/fail-*.Dockerfile``: the rule must fire, exactly on the
instructions marked by a ``# fires`` comment line directly above them (at least one).
``tests/dockerfile/<rule module>/pass-*.Dockerfile``: the rule must stay quiet.
A ``settings.yaml`` beside the fixtures sets LintSettings fields (``trusted_registries``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeguard.engines.dockerfile import LintSettings, Rule, evaluate, load_rules
from kubeguard.model import Status
from kubeguard.sources.dockerfile import parse_dockerfile

FIXTURES = Path(__file__).parent
MARKER = "# fires"


def rule_folder(rule: Rule) -> Path:
    """Where the fixtures of ``rule`` live."""
    return FIXTURES / rule.module.rsplit(".", 1)[-1]


def _settings(folder: Path) -> LintSettings:
    file = folder / "settings.yaml"
    if not file.exists():
        return LintSettings()
    data = yaml.safe_load(file.read_text())
    return LintSettings(trusted_registries=tuple(data.get("trusted_registries", ())))


def _marked_lines(text: str) -> set[int]:
    """Lines of the instructions right below a ``# fires`` comment (comments in between)."""
    lines = text.splitlines()
    marked = set()
    for index, line in enumerate(lines):
        if line.strip() == MARKER:
            following = index + 1
            while following < len(lines) and lines[following].lstrip().startswith("#"):
                following += 1
            marked.add(following + 1)
    return marked


def _cases() -> list[Any]:
    cases = []
    for rule in load_rules():
        for fixture in sorted(rule_folder(rule).glob("*.Dockerfile")):
            expected = fixture.name.split("-", 1)[0]
            if expected in ("pass", "fail"):
                cases.append(pytest.param(rule, fixture, expected, id=f"{rule.id}-{fixture.name}"))
    return cases


@pytest.mark.parametrize(("rule", "fixture", "expected"), _cases())
def test_rule_fixture(rule: Rule, fixture: Path, expected: str) -> None:
    text = fixture.read_text(encoding="utf-8")
    doc = parse_dockerfile(text, fixture.name)
    findings = list(evaluate(doc, [rule], _settings(fixture.parent), debug=True))
    failing = {
        f.location.line
        for f in findings
        if f.status == Status.FAIL and f.location and f.location.line is not None
    }
    if expected == "fail":
        marked = _marked_lines(text)
        assert marked, f"{fixture.name} marks no instruction with {MARKER!r}"
        assert failing == marked, (
            f"{rule.id} fired on lines {sorted(failing)} of {fixture.name}, "
            f"expected {sorted(marked)}: " + "; ".join(f.message for f in findings)
        )
    else:
        assert {f.status for f in findings} == {Status.PASS}, (
            f"{rule.id} fired on {fixture.name}: " + "; ".join(f.message for f in findings)
        )
