"""Open aggregation windows survive a restart: snapshot, JSON, restore, same findings."""

from __future__ import annotations

import orjson

from kubeguard.detect import DetectOptions
from kubeguard.engines.detect import Detector
from kubeguard.model import AuditEvent
from kubeguard.webhook.state import restore_detector, snapshot_detector

EXEC_RULE = "Execution:Kubernetes/ExecInKubeSystemPod"


def exec_event(serial: int, second: int) -> AuditEvent:
    moment = f"2026-03-02T09:00:{second:02d}Z"
    return AuditEvent(
        {
            "kind": "Event",
            "auditID": f"exec-{serial}",
            "stage": "ResponseStarted",
            "verb": "create",
            "requestURI": "/api/v1/namespaces/kube-system/pods/coredns-1/exec?command=sh",
            "user": {"username": "mallory", "groups": ["system:authenticated"]},
            "sourceIPs": ["203.0.113.9"],
            "objectRef": {
                "resource": "pods",
                "subresource": "exec",
                "namespace": "kube-system",
                "name": "coredns-1",
                "apiVersion": "v1",
            },
            "responseStatus": {"code": 101},
            "requestReceivedTimestamp": moment,
            "stageTimestamp": moment,
        },
        "webhook",
    )


def findings_of(detector: Detector, events: list[AuditEvent]) -> list[tuple[str, int, list[str]]]:
    found = []
    for event in events:
        found += detector.feed(event)
    found += detector.aggregator.flush()
    return [
        (f.detection.finding_type, f.detection.count, list(f.detection.audit_ids))
        for f in found
        if f.detection is not None
    ]


def test_a_restored_window_keeps_counting_as_if_nothing_happened():
    rules = DetectOptions().load_rule_set()
    events = [exec_event(1, 0), exec_event(2, 5), exec_event(2, 5), exec_event(3, 9)]
    uninterrupted = findings_of(Detector(rules), events)
    assert (EXEC_RULE, 3, ["exec-1", "exec-2", "exec-3"]) in uninterrupted

    before = Detector(rules)
    for event in events[:2]:
        assert before.feed(event) == []
    saved = orjson.loads(orjson.dumps(snapshot_detector(before)))
    after = Detector(rules)
    assert restore_detector(after, saved) == len(saved["windows"]) > 0
    # The repeat of exec-2 is still known as counted; exec-3 joins the restored window.
    assert findings_of(after, events[2:]) == uninterrupted


def test_windows_of_rules_that_are_gone_are_dropped():
    rules = DetectOptions().load_rule_set()
    before = Detector(rules)
    before.feed(exec_event(1, 0))
    saved = snapshot_detector(before)
    for window in saved["windows"]:
        window["rule"] = "no-such-rule"
    assert restore_detector(Detector(rules), saved) == 0
