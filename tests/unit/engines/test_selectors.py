"""Label selectors: matchLabels, every operator, empty versus malformed."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.selectors import LabelSelector

LABELS = {"app": "api", "tier": "web", "canary": "true"}


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ({}, True),
        ({"matchLabels": {"app": "api"}}, True),
        ({"matchLabels": {"app": "db"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "x"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
        ({"matchExpressions": [{"key": "canary", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}, False),
        (
            {
                "matchLabels": {"app": "api"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}],
            },
            False,
        ),
    ],
)
def test_matching(selector: dict[str, Any], selected: bool) -> None:
    assert LabelSelector.parse(selector).matches(LABELS) is selected


@pytest.mark.parametrize(
    "malformed",
    [
        "app=api",
        {"matchLabels": ["app"]},
        {"matchExpressions": {"key": "app"}},
        {"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["api"]}]},
        {"matchExpressions": [{"key": "app", "operator": "In", "values": []}]},
        {"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["api"]}]},
    ],
)
def test_malformed_selectors_select_nothing(malformed: Any) -> None:
    selector = LabelSelector.parse(malformed)
    assert not selector.valid
    assert not selector.matches(LABELS)
    assert not selector.selects_all


def test_empty_selector_selects_all_and_map_selectors() -> None:
    assert LabelSelector.parse({}).selects_all
    assert LabelSelector.from_map({"app": "api"}).matches(LABELS)
    assert not LabelSelector.from_map({"app": "api", "x": "y"}).matches(LABELS)
    assert not LabelSelector.from_map(None).valid
