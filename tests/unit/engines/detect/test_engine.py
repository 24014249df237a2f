"""The engine: routing by verb and resource, aggregation windows, and what a finding says."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

from kubeguard.engines.detect import Detector, RuleSet, load_rules
from kubeguard.model import AuditEvent, Layer, ObjectKey, Severity, Status


def rules(tmp_path: Path, *documents: str) -> RuleSet:
    (tmp_path / "rules.yml").write_text(
        "---\n".join(textwrap.dedent(document) for document in documents), encoding="utf-8"
    )
    return load_rules([tmp_path], builtin=False)


EXEC_RULE = """\
title: Exec
id: 00000000-0000-4000-8000-000000000001
logsource: {product: kubernetes, service: audit}
detection:
  selection:
    verb: [get, create]
    objectRef.resource: pods
    objectRef.subresource: exec
  condition: selection
level: medium
tags: [attack.execution, attack.t1609]
kubeguard:
  output: "{user.username} exec {objectRef.namespace}/{objectRef.name}"
  aggregate: {window: 10m, by: [user.username, objectRef.name]}
"""
ANONYMOUS_RULE = """\
title: Anonymous anything
id: 00000000-0000-4000-8000-000000000002
logsource: {product: kubernetes, service: audit}
detection:
  selection:
    user.username: system:anonymous
  condition: selection
level: high
tags: [attack.initial_access]
kubeguard:
  aggregate: {window: 0, by: []}
"""
LIST_RULE = """\
title: From a listed address
id: 00000000-0000-4000-8000-000000000003
logsource: {product: kubernetes, service: audit}
detection:
  selection:
    sourceIPs|threat_list: ["custom/*", tor]
  condition: selection
level: high
tags: [attack.initial_access]
"""


def event(
    audit_id: str,
    minute: int,
    *,
    verb: str = "get",
    user: str = "alice",
    name: str = "web-1",
    stage: str = "ResponseComplete",
    **more: Any,
) -> AuditEvent:
    data = {
        "auditID": audit_id,
        "stage": stage,
        "verb": verb,
        "requestURI": f"/api/v1/namespaces/shop/pods/{name}/exec?command=sh",
        "user": {"username": user, "groups": ["system:authenticated"]},
        "sourceIPs": ["203.0.113.9"],
        "userAgent": "kubectl/v1.30.2",
        "objectRef": {
            "resource": "pods",
            "subresource": "exec",
            "namespace": "shop",
            "name": name,
            "apiVersion": "v1",
        },
        "responseStatus": {"code": 101},
        "requestReceivedTimestamp": f"2026-03-02T10:{minute:02d}:00.000000Z",
        **more,
    }
    return AuditEvent(data, "audit.log", int(audit_id.strip("e") or 0))


def test_events_meet_only_the_rules_filed_under_their_verb_and_resource(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE, ANONYMOUS_RULE))
    index = detector.index
    assert [rule.rule.title for rule in index.candidates("get", "pods")] == [
        "Exec",
        "Anonymous anything",
    ]
    assert [rule.rule.title for rule in index.candidates("list", "pods")] == ["Anonymous anything"]
    assert [rule.rule.title for rule in index.candidates("get", "")] == ["Anonymous anything"]


def test_a_rule_needing_an_absent_threat_list_is_not_indexed(tmp_path: Path) -> None:
    rule_set = rules(tmp_path, LIST_RULE)
    assert Detector(rule_set).index.active == []
    detector = Detector(rule_set, {"custom/office-vpn": {"203.0.113.9"}, "tor": {"198.51.100.1"}})
    (finding,) = detector.run([event("e1", 0)])
    assert finding.detection is not None
    assert finding.detection.threat_lists == ("custom/office-vpn",)


def test_repeats_within_the_window_update_one_finding(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE))
    stream = [
        event("e1", 0),
        event("e2", 4),
        event("e3", 9),  # still within 10 minutes of the first
        event("e4", 11),  # a new window
        event("e5", 5, user="bob"),  # another key
    ]
    findings = list(detector.run(stream))
    counts = sorted(
        (f.detection.actor.username, f.detection.count, f.detection.audit_ids)
        for f in findings
        if f.detection
    )
    assert counts == [("alice", 1, ("e4",)), ("alice", 3, ("e1", "e2", "e3")), ("bob", 1, ("e5",))]
    first = next(f for f in findings if f.detection and f.detection.count == 3)
    assert first.detection is not None
    assert first.detection.first_seen == datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    assert first.detection.last_seen == datetime.datetime(2026, 3, 2, 10, 9, tzinfo=datetime.UTC)
    assert first.detection.aggregation_key == ("alice", "web-1")


def test_a_closed_window_is_emitted_before_the_stream_ends(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE))
    emitted: list[str] = []

    def stream() -> Any:
        yield event("e1", 0)
        yield event("e2", 30, name="web-2")
        emitted.append("end")

    for finding in detector.run(stream()):
        assert finding.detection is not None
        emitted.append(",".join(finding.detection.audit_ids))
    assert emitted == ["e1", "end", "e2"], "e1's window closed when e2, 30 minutes later, came"


def test_a_zero_window_reports_every_request(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, ANONYMOUS_RULE))
    findings = list(detector.run([event(f"e{n}", 0, user="system:anonymous") for n in range(3)]))
    assert len(findings) == 3


def test_the_stages_of_one_request_count_once(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE))
    stream = [event("e1", 0, stage="ResponseStarted"), event("e1", 0, stage="ResponseComplete")]
    (finding,) = detector.run(stream)
    assert finding.detection is not None
    assert finding.detection.count == 1
    assert finding.detection.action.stage == "ResponseStarted"


def test_a_finding_carries_actor_action_resource_and_place(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE))
    (finding,) = detector.run(
        [
            event(
                "e7",
                0,
                impersonatedUser={"username": "system:serviceaccount:shop:web", "groups": ["g"]},
            )
        ]
    )
    assert finding.status == Status.FAIL
    assert finding.severity == Severity.MEDIUM
    assert finding.layer == Layer.DETECTIVE
    assert finding.control_id == "00000000-0000-4000-8000-000000000001"
    assert finding.message == "alice exec shop/web-1"
    assert finding.resource == ObjectKey("v1", "Pod", "shop", "web-1")
    assert str(finding.location) == "audit.log:7"
    detail = finding.detection
    assert detail is not None
    assert detail.finding_type == "Execution:Kubernetes/Exec"
    assert detail.actor.username == "alice"
    assert detail.actor.groups == ("system:authenticated",)
    assert detail.actor.source_ips == ("203.0.113.9",)
    assert detail.actor.user_agent == "kubectl/v1.30.2"
    assert detail.actor.impersonated_user == "system:serviceaccount:shop:web"
    assert detail.action.verb == "get"
    assert detail.action.request_uri == "/api/v1/namespaces/shop/pods/web-1/exec?command=sh"
    assert (detail.action.resource, detail.action.subresource) == ("pods", "exec")
    assert detail.action.response_code == 101
    assert detail.action.audit_id == "e7"


def test_fingerprints_are_stable_and_tell_windows_apart(tmp_path: Path) -> None:
    rule_set = rules(tmp_path, EXEC_RULE)
    first = list(Detector(rule_set).run([event("e1", 0), event("e2", 20)]))
    again = list(Detector(rule_set).run([event("e1", 0), event("e2", 20)]))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again]
    assert first[0].fingerprint != first[1].fingerprint


def test_a_rule_without_aggregation_settings_groups_by_user_and_object(tmp_path: Path) -> None:
    detector = Detector(
        rules(tmp_path, LIST_RULE.replace('sourceIPs|threat_list: ["custom/*", tor]', "verb: get"))
    )
    findings = list(detector.run([event("e1", 0), event("e2", 1), event("e3", 2, name="web-2")]))
    assert sorted(f.detection.count for f in findings if f.detection) == [1, 2]


def test_stateless_matching_for_other_callers(tmp_path: Path) -> None:
    detector = Detector(rules(tmp_path, EXEC_RULE, ANONYMOUS_RULE))
    matched = detector.matches(event("e1", 0, user="system:anonymous"))
    assert [rule.rule.title for rule in matched] == ["Exec", "Anonymous anything"]
    assert detector.feed(event("e2", 0)) == []
    assert len(detector.aggregator.flush()) == 1
