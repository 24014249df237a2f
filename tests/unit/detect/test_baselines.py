"""Baselines across runs: learn in one run, detect in the next; the file is written atomically."""

from __future__ import annotations

import datetime
import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubeguard.cli.main import main
from kubeguard.detect import BASELINE_NOT_SAVED, DetectionRun, DetectOptions, detect_files
from kubeguard.engines.detect.anomaly import EXEC_IN_POD, AnomalyDetector
from kubeguard.model import AuditEvent, SourceError, Status
from kubeguard.model.baseline import Baselines, ClusterBaseline
from kubeguard.sources.baselines import load_baselines, save_baselines
from tests.unit.detect.events import EPOCH, as_events, audit_event, write_jsonl

DAY = datetime.timedelta(days=1)


def exec_event(namespace: str, at: datetime.datetime) -> dict[str, Any]:
    return audit_event(
        user="alice", verb="get", resource="pods", subresource="exec", namespace=namespace, at=at
    )


def learning_days() -> list[dict[str, Any]]:
    return [exec_event("shop", EPOCH + day * DAY) for day in range(3)]


def anomaly_types(findings: list[Any]) -> list[str]:
    return [
        finding.detection.finding_type
        for finding in findings
        if finding.detection is not None and "AnomalousBehavior" in finding.detection.finding_type
    ]


def test_learn_in_one_run_and_detect_in_the_next(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = write_jsonl(tmp_path / "day1-3.log", learning_days())
    learned = detect_files(
        [str(first)],
        DetectOptions(baseline_path=baseline, learning_window=2 * DAY, cluster="prod"),
    )
    assert anomaly_types(learned.findings) == []
    assert learned.settings["baseline_events"] == "3"
    assert learned.settings["learning_until"] == (EPOCH + 2 * DAY).isoformat()
    stored = load_baselines(baseline).clusters["prod"]
    assert stored.learn_seconds == 2 * 86400
    assert stored.principals["alice"].actions["get pods/exec"].namespaces["shop"].count == 3

    later = EPOCH + 5 * DAY
    second = write_jsonl(
        tmp_path / "day6.log", [exec_event("shop", later), exec_event("kube-system", later)]
    )
    detected = detect_files([str(second)], DetectOptions(baseline_path=baseline, cluster="prod"))
    assert anomaly_types(detected.findings) == [EXEC_IN_POD.finding_type]
    (finding,) = [f for f in detected.findings if f.control_id == EXEC_IN_POD.control_id]
    shown = {item.dotted: item.value for item in finding.evidence}
    assert shown["anomaly.action"]["namespaces"] == {"shop": 4}
    assert detected.rules[EXEC_IN_POD.control_id].title == EXEC_IN_POD.title
    assert load_baselines(baseline).clusters["prod"].events == 5


def test_clusters_of_one_file_are_separate(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    log = write_jsonl(tmp_path / "a.log", learning_days())
    detect_files([str(log)], DetectOptions(baseline_path=baseline, cluster="prod"))
    later = write_jsonl(tmp_path / "b.log", [exec_event("shop", EPOCH + 30 * DAY)])
    staging = detect_files(
        [str(later)],
        DetectOptions(baseline_path=baseline, cluster="staging", learning_window=DAY * 0),
    )
    # staging has no baseline of alice: everything she does there is new.
    assert anomaly_types(staging.findings) == [EXEC_IN_POD.finding_type]
    assert sorted(load_baselines(baseline).clusters) == ["prod", "staging"]


def test_a_run_still_learning_keeps_learning_from_the_stored_start(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    log = write_jsonl(tmp_path / "a.log", learning_days()[:1])
    detect_files([str(log)], DetectOptions(baseline_path=baseline, learning_window=7 * DAY))
    inside = write_jsonl(tmp_path / "b.log", [exec_event("kube-system", EPOCH + 6 * DAY)])
    assert (
        anomaly_types(detect_files([str(inside)], DetectOptions(baseline_path=baseline)).findings)
        == []
    )
    outside = write_jsonl(tmp_path / "c.log", [exec_event("payments", EPOCH + 8 * DAY)])
    found = detect_files([str(outside)], DetectOptions(baseline_path=baseline)).findings
    assert anomaly_types(found) == [EXEC_IN_POD.finding_type]


def test_save_and_load_give_back_the_same_baseline(tmp_path: Path) -> None:
    detector = AnomalyDetector(ClusterBaseline("prod", 3600))
    detector.run(
        as_events(
            [
                *learning_days(),
                audit_event(
                    user="ci",
                    verb="create",
                    resource="pods",
                    request_object={
                        "spec": {
                            "containers": [
                                {
                                    "name": "a",
                                    "image": "registry.example/a:1",
                                    "securityContext": {"privileged": True},
                                }
                            ]
                        }
                    },
                    source_ip="2001:db8::1",
                ),
            ]
        )
    )
    original = Baselines({"prod": detector.baseline})
    file = tmp_path / "baseline.json"
    save_baselines(original, file)
    assert load_baselines(file) == original
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["baseline.json"]


def test_a_missing_file_is_an_empty_baseline(tmp_path: Path) -> None:
    assert load_baselines(tmp_path / "absent.json") == Baselines()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "invalid JSON"),
        (b"[]", "the document: expected an object"),
        (b'{"format": "other", "version": 1, "clusters": {}}', "format: expected"),
        (b'{"format": "kubeguard-baseline", "version": 9, "clusters": {}}', "version: expected 1"),
        (
            b'{"format": "kubeguard-baseline", "version": 1, "clusters": {"prod": {"learn_seconds": 1,'
            b' "events": 0, "principals": {"alice": {"seen": [1, 5, 2]}}}}}',
            "clusters.prod.principals.alice.seen: expected [count, first seen, last seen]",
        ),
        (
            b'{"format": "kubeguard-baseline", "version": 1, "clusters": {"prod": {"learn_seconds": "7d"}}}',
            "clusters.prod.learn_seconds: expected a whole number",
        ),
    ],
)
def test_a_file_that_is_not_a_baseline_is_one_error_and_is_left_alone(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    file = tmp_path / "baseline.json"
    file.write_bytes(content)
    with pytest.raises(SourceError, match="not a baseline file") as raised:
        DetectionRun(DetectOptions(baseline_path=file))
    assert reason in str(raised.value)
    assert raised.value.location is not None
    assert raised.value.location.path == str(file)
    assert file.read_bytes() == content


def test_a_baseline_that_cannot_be_saved_is_an_error_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    log = write_jsonl(tmp_path / "a.log", learning_days())
    result = detect_files([str(log)], DetectOptions(baseline_path=tmp_path / "baseline.json"))
    (error,) = [f for f in result.findings if f.status is Status.ERROR]
    assert error.control_id == BASELINE_NOT_SAVED
    assert error.message == "cannot save baseline: No space left on device"
    assert list(tmp_path.iterdir()) == [log]


def test_cli_learns_then_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    first = write_jsonl(tmp_path / "week.log", learning_days())
    arguments = ["--baseline", str(baseline), "--format", "json"]
    assert main(["detect", str(first), *arguments, "--learn", "2d", "--no-builtin-rules"]) == 0
    capsys.readouterr()
    later = write_jsonl(tmp_path / "later.log", [exec_event("kube-system", EPOCH + 9 * DAY)])
    assert main(["detect", str(later), *arguments, "--no-builtin-rules"]) == 1
    report = json.loads(capsys.readouterr().out)
    (finding,) = report["findings"]
    assert finding["title"] == EXEC_IN_POD.title
    assert finding["detection"]["finding_type"] == EXEC_IN_POD.finding_type
    assert {"path": "anomaly.new", "value": ["namespace kube-system for get pods/exec"]} in (
        finding["evidence"]
    )


def test_cli_streams_anomalies_as_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_jsonl(
        tmp_path / "a.log", [*learning_days(), exec_event("kube-system", EPOCH + 9 * DAY)]
    )
    baseline = tmp_path / "baseline.json"
    code = main(["detect", str(log), "--baseline", str(baseline), "--learn", "1d", "-f", "jsonl"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [line["title"] for line in lines if line["control_id"] == EXEC_IN_POD.control_id] == [
        EXEC_IN_POD.title
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--learn", "7d"], "--learn goes with --baseline"),
        (["--baseline", "b.json", "--learn", "soon"], "not a duration"),
    ],
)
def test_cli_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    log = write_jsonl(tmp_path / "a.log", learning_days())
    assert main(["detect", str(log), *extra]) == 2
    assert message in capsys.readouterr().err


def test_an_anomaly_comes_out_as_soon_as_its_event_is_read(tmp_path: Path) -> None:
    run = DetectionRun(
        DetectOptions(
            builtin_rules=False,
            baseline_path=tmp_path / "baseline.json",
            learning_window=datetime.timedelta(0),
        )
    )
    read: list[Any] = []

    def events() -> Iterator[AuditEvent]:
        for event in as_events([exec_event("shop", EPOCH), *learning_days()]):
            read.append(event)
            yield event

    stream = run.findings(events())
    first = next(stream)
    assert first.control_id == EXEC_IN_POD.control_id
    assert len(read) == 1
    assert list(stream) == []
    assert load_baselines(tmp_path / "baseline.json").clusters["default"].events == 4
