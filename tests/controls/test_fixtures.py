"""One generic test for every control: its fixtures carry the expectations.

``tests/controls/<layer>/<module>/fail-*.yaml``: every object must fail the control.
``tests/controls/<layer>/<module>/pass-*.yaml``: every object must pass it.
``tests/controls/<layer>/<module>/skip-*.yaml``: the control must not apply to any object (no
finding at all), for controls that declare what they apply to (``@control(applies=…)``).
An object annotated ``kubeguard.io/fixture: context`` is there only for cross-object controls
(a Namespace, a ServiceAccount …) and is not judged. A ``settings.yaml`` beside the fixtures
sets PostureSettings fields (``pss_level``, ``pss_version``, ``allowed_registries``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeguard.engines.posture import Control, PostureSettings, PssLevel, evaluate, load_controls
from kubeguard.model import Inventory, K8sObject, Status
from kubeguard.sources import read_manifests

FIXTURES = Path(__file__).parent
CONTEXT_ANNOTATION = "kubeguard.io/fixture"


def _control_folder(control: Control[Any]) -> Path:
    layer, module = control.module.rsplit(".", 2)[-2:]
    return FIXTURES / layer / module


def _settings(folder: Path) -> PostureSettings:
    file = folder / "settings.yaml"
    if not file.exists():
        return PostureSettings()
    data = yaml.safe_load(file.read_text())
    if "pss_level" in data:
        data["pss_level"] = PssLevel(data["pss_level"])
    if "allowed_registries" in data:
        data["allowed_registries"] = tuple(data["allowed_registries"])
    return PostureSettings(**data)


def _cases() -> list[Any]:
    cases = []
    for control in load_controls():
        for fixture in sorted(_control_folder(control).glob("*-*.yaml")):
            expected = fixture.name.split("-", 1)[0]
            if expected in ("pass", "fail", "skip"):
                cases.append(
                    pytest.param(control, fixture, expected, id=f"{control.id}-{fixture.name}")
                )
    return cases


@pytest.mark.parametrize(("control", "fixture", "expected"), _cases())
def test_control_fixture(control: Control[Any], fixture: Path, expected: str) -> None:
    objects = [item for item in read_manifests([str(fixture)]) if isinstance(item, K8sObject)]
    judged = [o for o in objects if o.annotations.get(CONTEXT_ANNOTATION) != "context"]
    assert judged, f"{fixture} has no object to judge"
    findings = list(evaluate(Inventory(objects), [control], _settings(fixture.parent), debug=True))
    for obj in judged:
        statuses = {f.status for f in findings if f.resource == obj.key}
        if expected == "skip":
            assert not statuses, f"{control.id} applied to {obj.key} in {fixture.name}"
            continue
        assert statuses, f"{control.id} did not apply to {obj.key} in {fixture.name}"
        if expected == "fail":
            assert Status.FAIL in statuses, (
                f"{control.id} stayed quiet on {obj.key} in {fixture.name}"
            )
        else:
            assert statuses == {Status.PASS}, (
                f"{control.id} fired on {obj.key} in {fixture.name}: "
                + "; ".join(f.message for f in findings if f.resource == obj.key)
            )
