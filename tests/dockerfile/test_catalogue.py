"""The Dockerfile rule catalogue is consistent: ids, docs, references and fixtures."""

from __future__ import annotations

import re

import pytest

from kubeguard.engines.dockerfile import FRAMEWORKS, PEERS, Rule, load_rules
from kubeguard.engines.dockerfile.rule import trivy_aliases
from tests.dockerfile.test_fixtures import rule_folder

RULES = load_rules()
ID = re.compile(r"KG-DF-\d{3}$")
PEER_ID = {"hadolint": re.compile(r"DL\d{4}$"), "trivy": re.compile(r"DS-?\d{3,4}$")}


def test_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata(rule: Rule) -> None:
    assert ID.match(rule.id), f"{rule.id} is not KG-DF-nnn"
    assert rule.summary, f"{rule.module} has no docstring"
    assert rule.rationale, f"{rule.module} docstring has no rationale"
    assert rule.remediation
    unknown = set(rule.refs) - set(FRAMEWORKS) - set(PEERS)
    assert not unknown, f"{rule.id} refers to unknown frameworks {unknown}"
    for peer, pattern in PEER_ID.items():
        for ref in rule.refs.get(peer, ()):
            assert pattern.match(ref), f"{rule.id}: {ref!r} is not a {peer} id"
    folder = rule_folder(rule)
    assert list(folder.glob("pass-*.Dockerfile")), f"{rule.id} has no pass- fixture in {folder}"
    assert list(folder.glob("fail-*.Dockerfile")), f"{rule.id} has no fail- fixture in {folder}"


def test_each_peer_id_maps_to_one_rule() -> None:
    """A ``# hadolint ignore=DLxxxx`` must not silence unrelated rules."""
    owners: dict[str, list[str]] = {}
    for rule in RULES:
        for ref in rule.refs.get("hadolint", ()):
            owners.setdefault(ref, []).append(rule.id)
    shared = {ref: ids for ref, ids in owners.items() if len(ids) > 1}
    assert not shared, f"hadolint ids claimed by several rules: {shared}"


def test_trivy_ids_are_matched_in_every_spelling() -> None:
    assert trivy_aliases("DS002") == ("DS002", "AVD-DS-0002", "DS-0002")
    assert trivy_aliases("DS-0032") == ("DS-0032", "DS032", "AVD-DS-0032")
    (root,) = [rule for rule in RULES if rule.id == "KG-DF-001"]
    assert set(root.suppression_ids["trivy"]) == {"DS002", "AVD-DS-0002", "DS-0002"}
    assert root.info.refs["trivy"] == ("DS002",)
