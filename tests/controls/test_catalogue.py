"""The catalog is consistent: unique ids, prefixes follow layers, fixtures and docs exist."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture import Control, load_controls
from kubeguard.engines.posture.control import FRAMEWORKS, PEERS
from kubeguard.engines.posture.pss import PSS_CHECKS
from kubeguard.model import Layer
from tests.controls.test_fixtures import _control_folder

PREFIXES = {
    Layer.IAM: "KG-IAM-",
    Layer.DATA: "KG-DATA-",
    Layer.INFRASTRUCTURE: "KG-INFRA-",
    Layer.POD: "KG-POD-",
    Layer.TENANCY: "KG-MT-",
    Layer.IMAGE: "KG-IMG-",
    Layer.NETWORK: "KG-NET-",
    Layer.RUNTIME: "KG-RT-",
    Layer.DETECTIVE: "KG-DET-",
    Layer.RESPONSE: "KG-IR-",
}

CONTROLS = load_controls()


def test_ids_are_unique() -> None:
    ids = [control.id for control in CONTROLS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.id)
def test_control_metadata(control: Control[Any]) -> None:
    assert control.id.startswith(PREFIXES[control.layer]), f"{control.id} is not in {control.layer}"
    assert control.summary, f"{control.module} has no docstring"
    assert control.rationale, f"{control.module} docstring has no rationale"
    assert control.remediation
    unknown = set(control.refs) - set(FRAMEWORKS) - set(PEERS)
    assert not unknown, f"{control.id} refers to unknown frameworks {unknown}"
    if control.pss_check is not None:
        assert control.pss_check in PSS_CHECKS, f"{control.id}: unknown PSS check"
        assert len(control.refs["pss"]) == 1, f"{control.id} implements one PSS check"
    folder = _control_folder(control)
    assert list(folder.glob("pass-*.yaml")), f"{control.id} has no pass- fixture in {folder}"
    assert list(folder.glob("fail-*.yaml")), f"{control.id} has no fail- fixture in {folder}"
