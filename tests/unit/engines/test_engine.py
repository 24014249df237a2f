"""The posture engine: verdicts into findings, crash isolation, selection, stable fingerprints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubeguard.engines.posture import (
    CheckContext,
    Control,
    PostureSettings,
    PssLevel,
    Violation,
    evaluate,
    load_controls,
    select_controls,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import ControlId, Inventory, K8sObject, Layer, Severity, Status
from kubeguard.scan import scan_manifests
from kubeguard.sources import read_manifests

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: a
      image: registry.example/a:1
      securityContext: {privileged: true}
    - name: b
      image: registry.example/b:1
      securityContext: {privileged: true}
"""


def _inventory(tmp_path: Path, text: str) -> Inventory:
    (tmp_path / "in.yaml").write_text(text)
    return Inventory(
        o for o in read_manifests([str(tmp_path / "in.yaml")]) if isinstance(o, K8sObject)
    )


def _control(check: Any) -> Control[WorkloadView]:
    return Control(
        id=ControlId("KG-POD-900"),
        title="test control",
        layer=Layer.POD,
        severity=Severity.LOW,
        remediation="none",
        summary="s",
        rationale="r",
        refs={},
        check=check,
        subject=WorkloadView,
        module="tests",
    )


def test_one_fail_finding_per_violation_with_line_and_evidence(tmp_path: Path) -> None:
    privileged = next(c for c in load_controls() if c.id == "KG-POD-001")
    findings = list(evaluate(_inventory(tmp_path, POD), [privileged], PostureSettings()))
    assert [(f.status, f.location.line if f.location else None) for f in findings] == [
        (Status.FAIL, 8),
        (Status.FAIL, 11),
    ]
    assert findings[1].evidence[0].dotted == "spec.containers[1].securityContext.privileged"
    assert findings[1].evidence[0].value is True
    assert len({f.fingerprint for f in findings}) == 2


def test_a_crashing_control_becomes_an_error_finding(tmp_path: Path) -> None:
    def broken(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
        raise KeyError("boom")

    findings = list(evaluate(_inventory(tmp_path, POD), [_control(broken)], PostureSettings()))
    assert [f.status for f in findings] == [Status.ERROR]
    assert "KeyError" in findings[0].message
    with pytest.raises(KeyError):
        list(evaluate(_inventory(tmp_path, POD), [_control(broken)], PostureSettings(), debug=True))


def test_no_violation_is_one_pass(tmp_path: Path) -> None:
    def quiet(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
        yield from ()

    findings = list(evaluate(_inventory(tmp_path, POD), [_control(quiet)], PostureSettings()))
    assert [f.status for f in findings] == [Status.PASS]


def test_fingerprints_survive_reordering(tmp_path: Path) -> None:
    other = "apiVersion: v1\nkind: Pod\nmetadata: {name: other}\nspec:\n  hostPID: true\n  containers: [{name: x, image: 'i:1', securityContext: {privileged: true}}]\n"
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.yaml").write_text(POD + "---\n" + other)
    reordered = (
        POD.replace(
            "    - name: a\n      image: registry.example/a:1\n      securityContext: {privileged: true}\n",
            "",
        )
        + "    - name: a\n      image: registry.example/a:1\n      securityContext: {privileged: true}\n"
    )
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "a.yaml").write_text("# moved around\n" + other + "---\n" + reordered)
    first = scan_manifests([str(tmp_path / "one")]).failures()
    second = scan_manifests([str(tmp_path / "two")]).failures()
    assert first
    assert {f.fingerprint for f in first} == {f.fingerprint for f in second}
    assert {f.location.line for f in first if f.location} != {
        f.location.line for f in second if f.location
    }


def test_selection_by_framework_layer_and_pss_level() -> None:
    controls = load_controls()
    pss = select_controls(controls, PostureSettings(), framework="pss")
    assert pss
    assert all("pss" in c.refs for c in pss)
    assert all(
        c.layer == Layer.POD
        for c in select_controls(controls, PostureSettings(), layers=[Layer.POD])
    )
    privileged_level = select_controls(
        controls, PostureSettings(pss_level=PssLevel.PRIVILEGED), framework="pss"
    )
    assert privileged_level == []


def test_pss_reference_names_level_and_check() -> None:
    privileged = next(c for c in load_controls() if c.id == "KG-POD-001")
    assert privileged.pss_check == "privileged"
    assert privileged.info.refs["pss"] == ("baseline/privileged",)
