"""Exceptions: the ``kubeguard.io/ignore`` annotation and the config file's ``exceptions``.

A suppressed finding is kept, marked with its reason, counted, and listed on request; an expired
exception stops applying and is reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.findings import (
    IGNORE_ANNOTATION,
    ExceptionRule,
    apply_exceptions,
    expired_rules,
    suppressed_inline,
)
from kubeguard.model import Finding, Inventory, K8sObject, ObjectKey, SourceLocation, Status
from tests.unit.cli.helpers import (
    PRIVILEGED,
    isolate,
    only_privileged_control,
    pod,
    run_cli,
    write,
)
from tests.unit.report.sample import make_finding

TODAY = datetime.date(2026, 3, 1)
WEB_API = ObjectKey("v1", "Pod", "web", "api")
KUBE_AGENT = ObjectKey("apps/v1", "DaemonSet", "kube-system", "node-agent")
CLUSTER_ROLE = ObjectKey("rbac.authorization.k8s.io/v1", "ClusterRole", None, "admin-ish")
NO_NAMESPACE_POD = ObjectKey("v1", "Pod", None, "loose")


def _failure(control_id: str, resource: ObjectKey | None, status: Status = Status.FAIL) -> Finding:
    return make_finding(control_id, status, resource, SourceLocation("x.yaml", 1), "problem")


def _annotated(key: ObjectKey, annotations: dict[str, Any]) -> K8sObject:
    metadata: dict[str, Any] = {"name": key.name, "annotations": annotations}
    if key.namespace:
        metadata["namespace"] = key.namespace
    manifest = {"apiVersion": key.api_version, "kind": key.kind, "metadata": metadata}
    return K8sObject(manifest, SourceLocation("x.yaml", 1))


def _suppressed_by(
    findings: list[Finding],
    objects: Sequence[K8sObject] = (),
    rules: Sequence[ExceptionRule] = (),
) -> list[str | None]:
    return [f.suppressed_by for f in apply_exceptions(findings, Inventory(objects), rules, TODAY)]


# The annotation


def test_annotation_suppresses_each_listed_control_on_that_object_only() -> None:
    annotated = _annotated(
        WEB_API,
        {IGNORE_ANNOTATION: "KG-POD-001, KG-POD-003", "kubeguard.io/ignore-reason": "legacy"},
    )
    findings = [
        _failure("KG-POD-001", WEB_API),
        _failure("KG-POD-003", WEB_API),
        _failure("KG-POD-002", WEB_API),
        _failure("KG-POD-001", KUBE_AGENT),
    ]
    reasons = _suppressed_by(findings, [annotated])
    assert reasons == [
        "annotation kubeguard.io/ignore: legacy",
        "annotation kubeguard.io/ignore: legacy",
        None,
        None,
    ]


def test_annotation_without_reason_still_suppresses() -> None:
    annotated = _annotated(WEB_API, {IGNORE_ANNOTATION: "KG-POD-001"})
    (finding,) = apply_exceptions([_failure("KG-POD-001", WEB_API)], Inventory([annotated]), [])
    assert finding.suppressed_by == "annotation kubeguard.io/ignore"
    assert suppressed_inline(finding)


@pytest.mark.parametrize("value", [["KG-POD-001"], 1, "", " , "])
def test_malformed_annotation_suppresses_nothing(value: Any) -> None:
    annotated = _annotated(WEB_API, {IGNORE_ANNOTATION: value})
    assert _suppressed_by([_failure("KG-POD-001", WEB_API)], [annotated]) == [None]


def test_passes_and_errors_are_never_suppressed() -> None:
    annotated = _annotated(WEB_API, {IGNORE_ANNOTATION: "KG-POD-001"})
    findings = [
        _failure("KG-POD-001", WEB_API, Status.PASS),
        _failure("KG-POD-001", WEB_API, Status.ERROR),
    ]
    everything = ExceptionRule(controls=("*",), reason="all")
    assert _suppressed_by(findings, [annotated], [everything]) == [None, None]


# Config exceptions


@pytest.mark.parametrize(
    ("rule", "resource", "applies"),
    [
        (ExceptionRule(("KG-POD-*",), "r"), WEB_API, True),
        (ExceptionRule(("KG-IMG-*",), "r"), WEB_API, False),
        (ExceptionRule(("KG-POD-00?",), "r"), WEB_API, True),
        (ExceptionRule(("KG-POD-001",), "r", namespaces=("web",)), WEB_API, True),
        (ExceptionRule(("KG-POD-001",), "r", namespaces=("kube-*",)), WEB_API, False),
        (ExceptionRule(("KG-POD-001",), "r", names=("node-*",)), KUBE_AGENT, True),
        (ExceptionRule(("KG-POD-001",), "r", names=("node-*",)), WEB_API, False),
        (ExceptionRule(("KG-POD-001",), "r", kinds=("DaemonSet",)), KUBE_AGENT, True),
        (ExceptionRule(("KG-POD-001",), "r", kinds=("DaemonSet",)), WEB_API, False),
        # Every filter must hold.
        (ExceptionRule(("KG-POD-001",), "r", ("kube-system",), ("x",)), KUBE_AGENT, False),
        # An unset namespace is the default namespace...
        (ExceptionRule(("KG-POD-001",), "r", namespaces=("default",)), NO_NAMESPACE_POD, True),
        # ...but a cluster-scoped object is in no namespace at all.
        (ExceptionRule(("KG-POD-001",), "r", namespaces=("default",)), CLUSTER_ROLE, False),
        (ExceptionRule(("KG-POD-001",), "r", names=("admin-*",)), CLUSTER_ROLE, True),
        # An input problem has no object: only an exception without object filters covers it.
        (ExceptionRule(("KG-POD-001",), "r"), None, True),
        (ExceptionRule(("KG-POD-001",), "r", kinds=("Pod",)), None, False),
    ],
)
def test_config_exception_filters(
    rule: ExceptionRule, resource: ObjectKey | None, applies: bool
) -> None:
    (reason,) = _suppressed_by([_failure("KG-POD-001", resource)], rules=[rule])
    assert (reason == "config exception: r") is applies


def test_config_exception_reason_and_date_are_shown() -> None:
    rule = ExceptionRule(("KG-POD-001",), "vendor agent", expires=datetime.date(2026, 6, 30))
    (finding,) = apply_exceptions([_failure("KG-POD-001", WEB_API)], Inventory(), [rule], TODAY)
    assert finding.suppressed_by == "config exception: vendor agent until 2026-06-30"
    assert not suppressed_inline(finding)


@pytest.mark.parametrize(
    ("expires", "applies"),
    [
        (TODAY + datetime.timedelta(days=1), True),
        (TODAY, True),  # an exception holds through its expiry day
        (TODAY - datetime.timedelta(days=1), False),
    ],
)
def test_expired_exceptions_stop_applying(expires: datetime.date, applies: bool) -> None:
    rule = ExceptionRule(("KG-POD-001",), "temporary", expires=expires)
    (reason,) = _suppressed_by([_failure("KG-POD-001", WEB_API)], rules=[rule])
    assert (reason is not None) is applies
    assert (expired_rules([rule], TODAY) == [rule]) is not applies


# Through the command line, with the real KG-POD-001


@pytest.fixture
def scan_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    isolate(monkeypatch, tmp_path)
    only_privileged_control(monkeypatch)
    annotations = (
        f'    {IGNORE_ANNOTATION}: "KG-POD-001,KG-POD-003"\n'
        '    kubeguard.io/ignore-reason: "CNI plugin needs it"\n'
    )
    write(tmp_path, "cni.yaml", pod("cni", privileged=True, annotations=annotations))
    write(tmp_path, "legacy.yaml", pod("legacy-batch", privileged=True, namespace="batch"))
    write(tmp_path, "old.yaml", pod("old-job", privileged=True, namespace="jobs"))
    write(tmp_path, "app.yaml", pod("api", privileged=True))
    write(
        tmp_path,
        ".kubeguard.yaml",
        """\
exceptions:
  - controls: KG-POD-*
    namespaces: batch
    names: legacy-*
    kinds: Pod
    reason: batch cluster is being retired
  - controls: KG-POD-001
    names: old-*
    reason: was a migration window
    expires: 2020-01-31
""",
    )
    return tmp_path


def test_suppressed_findings_are_counted_not_listed(
    capsys: pytest.CaptureFixture[str], scan_folder: Path
) -> None:
    outcome = run_cli(capsys, "scan", ".", "--format", "json")
    assert outcome.code == ExitCode.FINDINGS
    report = outcome.json()
    assert report["summary"]["counts"]["suppressed"] == 2
    assert report["summary"]["counts"]["fail"] == 2
    assert {f["resource"]["name"] for f in outcome.findings()} == {"api", "old-job"}


def test_suppressed_findings_are_listed_with_show_suppressed(
    capsys: pytest.CaptureFixture[str], scan_folder: Path
) -> None:
    outcome = run_cli(capsys, "scan", ".", "--format", "json", "--show-suppressed")
    reasons = {f["resource"]["name"]: f["suppressed_by"] for f in outcome.findings()}
    assert reasons == {
        "api": None,
        "old-job": None,
        "cni": "annotation kubeguard.io/ignore: CNI plugin needs it",
        "legacy-batch": "config exception: batch cluster is being retired",
    }


def test_table_lists_suppressed_with_reasons_and_warns_about_expired(
    capsys: pytest.CaptureFixture[str], scan_folder: Path
) -> None:
    plain = run_cli(capsys, "scan", ".").out
    assert "cni.yaml" not in plain
    assert "2 suppressed" in plain
    shown = run_cli(capsys, "scan", ".", "--show-suppressed").out
    (cni,) = [line for line in shown.splitlines() if "cni.yaml" in line]
    assert "CNI plugin needs it" in cni
    (warning,) = [line for line in shown.splitlines() if "migration window" in line]
    assert "warning:" in warning
    assert "expired on 2020-01-31" in warning


def test_expired_exception_is_reported_in_json(
    capsys: pytest.CaptureFixture[str], scan_folder: Path
) -> None:
    (expired,) = run_cli(capsys, "scan", ".", "--format", "json").json()["expired_exceptions"]
    assert expired["controls"] == [PRIVILEGED]
    assert expired["expires"] == "2020-01-31"
    assert expired["names"] == ["old-*"]


def test_everything_suppressed_exits_0(
    capsys: pytest.CaptureFixture[str], scan_folder: Path
) -> None:
    outcome = run_cli(capsys, "scan", "cni.yaml", "legacy.yaml")
    assert outcome.code == ExitCode.CLEAN
