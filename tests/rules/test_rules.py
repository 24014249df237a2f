"""Every built-in rule fires on each event of its match.jsonl and on none of its nomatch.jsonl.

The samples of ``rules/<stem>.yml`` are in ``tests/rules/<stem>/`` (with a ``lists.yml`` for the
rules that stay silent until a list is filled). Rules about threat lists are tested with the
small lists below loaded, under the names the rules consult.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.detect import check_user_rules
from kubeguard.engines.detect import load_rules
from kubeguard.engines.detect.testing import RuleTestResult

SAMPLES = Path(__file__).parent

#: Addresses the samples use: a Tor exit, a threat-intelligence hit, one on a custom list.
TOR_EXIT = "185.220.101.7"
INTEL_HIT = "198.51.100.66"
CUSTOM_HIT = "203.0.113.99"
TEST_LISTS = {"tor": {TOR_EXIT}, "intel/feed": {INTEL_HIT}, "custom/blocklist": {CUSTOM_HIT}}

RESULTS = check_user_rules([], SAMPLES, address_lists=TEST_LISTS, include_builtin=True)


def test_every_builtin_rule_is_tested() -> None:
    assert {result.rule_id for result in RESULTS} == {rule.id for rule in load_rules().rules}


@pytest.mark.parametrize("result", RESULTS, ids=lambda result: Path(result.source.path).stem)
def test_rule_fires_on_its_matches_and_not_on_its_near_misses(result: RuleTestResult) -> None:
    assert result.passed, "\n".join([*result.problems, *(str(f) for f in result.failures)])
    assert result.matched >= 1
    assert result.missed >= 1
