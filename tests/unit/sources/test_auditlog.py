"""Reading audit events from files: formats, duplicates, and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from kubeguard.sources.auditlog import AuditLogReader, Deduplicator, Rejection


def event(
    audit_id: str = "a1", stage: str | None = "ResponseComplete", **more: Any
) -> dict[str, Any]:
    return {"kind": "Event", "auditID": audit_id, "stage": stage, "verb": "get", **more}


def line(value: Any) -> str:
    return json.dumps(value) + "\n"


def read(
    tmp_path: Path, content: str | bytes, name: str = "audit.log", **options: Any
) -> tuple[list[tuple[str, int | None]], list[Rejection], AuditLogReader]:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    rejections: list[Rejection] = []
    reader = AuditLogReader(on_reject=rejections.append, **options)
    events = [(item.audit_id, item.line) for item in reader.read([str(path)])]
    return events, rejections, reader


def test_json_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    events, rejections, reader = read(tmp_path, line(event("a")) + "\n" + line(event("b")))
    assert events == [("a", 1), ("b", 3)]
    assert rejections == []
    assert reader.counts.events == 2
    assert reader.counts.inputs == 1


def test_gzip_is_recognised_by_its_magic_bytes_not_its_name(tmp_path: Path) -> None:
    compressed = gzip.compress((line(event("a")) + line(event("b"))).encode())
    events, _, _ = read(tmp_path, compressed, name="audit.log")
    assert [audit_id for audit_id, _ in events] == ["a", "b"]
    plain, rejections, _ = read(tmp_path, line(event("c")), name="named-like-gzip.gz")
    assert plain == [("c", 1)]
    assert rejections == []


def test_an_eventlist_line_yields_its_items(tmp_path: Path) -> None:
    batch = {
        "kind": "EventList",
        "apiVersion": "audit.k8s.io/v1",
        "items": [event("a"), event("b")],
    }
    events, _, _ = read(tmp_path, line(batch))
    assert events == [("a", 1), ("b", 1)]


def test_a_pretty_printed_eventlist_document_is_read_whole(tmp_path: Path) -> None:
    batch = {"kind": "EventList", "items": [event("a"), event("b"), event("c")]}
    events, rejections, _ = read(tmp_path, json.dumps(batch, indent=2))
    assert [audit_id for audit_id, _ in events] == ["a", "b", "c"]
    assert rejections == []


def test_a_pretty_printed_array_and_single_event_are_read(tmp_path: Path) -> None:
    array, _, _ = read(tmp_path, json.dumps([event("a"), event("b")], indent=1), name="a.json")
    single, _, _ = read(tmp_path, json.dumps(event("c"), indent=4), name="c.json")
    assert [audit_id for audit_id, _ in array] == ["a", "b"]
    assert [audit_id for audit_id, _ in single] == ["c"]


def test_a_document_over_the_limit_is_refused_as_a_whole(tmp_path: Path) -> None:
    batch = {"kind": "EventList", "items": [event(str(n)) for n in range(50)]}
    events, rejections, reader = read(
        tmp_path, json.dumps(batch, indent=2), max_document_bytes=1024
    )
    assert events == []
    assert len(rejections) == 1
    assert rejections[0].whole_input
    assert "larger than the 1 KiB limit" in rejections[0].reason
    assert reader.counts.rejected == 0, "an input refused whole is not a rejected event"


def test_standard_input_is_read_for_a_dash() -> None:
    stdin = io.BytesIO(gzip.compress(line(event("a")).encode()))
    reader = AuditLogReader()
    assert [item.audit_id for item in reader.read(["-"], stdin=stdin)] == ["a"]
    assert next(iter(reader.read(["-"], stdin=io.BytesIO(line(event("b")).encode())))).path == "-"


def test_duplicates_are_read_once_across_files(tmp_path: Path) -> None:
    first = tmp_path / "one.log"
    second = tmp_path / "two.log"
    first.write_text(line(event("a")) + line(event("a", "ResponseStarted")) + line(event("a")))
    second.write_text(line(event("a")) + line(event("b")))
    reader = AuditLogReader()
    read_events = [
        (item.audit_id, item.stage, item.path) for item in reader.read([str(first), str(second)])
    ]
    assert read_events == [
        ("a", "ResponseComplete", str(first)),
        ("a", "ResponseStarted", str(first)),
        ("b", "ResponseComplete", str(second)),
    ]
    assert reader.counts.duplicates == 2


def test_the_deduplicator_forgets_only_beyond_two_generations() -> None:
    dedupe = Deduplicator(capacity=2)
    assert [dedupe.first_time(name, "S") for name in ("a", "b", "c")] == [True, True, True]
    # "a" and "b" are the previous generation, "c" the current one: all remembered.
    assert not dedupe.first_time("a", "S")
    assert not dedupe.first_time("c", "S")
    assert [dedupe.first_time(name, "S") for name in ("d", "e")] == [True, True]
    assert dedupe.first_time("a", "S"), "two generations later, 'a' is forgotten"
    assert dedupe.first_time("a", "ResponseStarted"), "another stage is another event"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"kind":"Event","auditID":"x","stage":"Resp', "not valid JSON"),
        ("this is not json", "not valid JSON"),
        ('"just a string"', "a string, not an audit event"),
        ("42", "a number, not an audit event"),
        (line({"kind": "Event", "stage": "ResponseComplete", "verb": "get"}), "auditID is missing"),
        (line(event(stage=None)), "stage is missing"),
        (line({**event(), "verb": {"unexpected": "object"}}), "verb is an object, not a string"),
        (line({**event(), "auditID": 7}), "auditID is a number, not a string"),
        (line({**event(), "auditID": ""}), "auditID is empty"),
        (line({"kind": 0}), "kind is 0, not Event"),
        (line({"kind": "Pod", "apiVersion": "v1"}), 'kind is "Pod", not Event'),
        (line({"protoPayload": {"methodName": "io.k8s.get"}}), "GKE Cloud Audit Logs entry"),
    ],
)
def test_a_bad_line_is_reported_with_its_place_and_the_rest_is_read(
    tmp_path: Path, content: str, reason: str
) -> None:
    text = line(event("before")) + content.rstrip("\n") + "\n" + line(event("after"))
    events, rejections, reader = read(tmp_path, text)
    assert [audit_id for audit_id, _ in events] == ["before", "after"]
    assert len(rejections) == 1
    assert rejections[0].location.line == 2
    assert rejections[0].location.path == str(tmp_path / "audit.log")
    assert reason in rejections[0].reason
    assert reader.counts.rejected == 1


def test_wrong_types_of_other_fields_do_not_reject_the_event(tmp_path: Path) -> None:
    odd = event(
        "odd", objectRef="invalid", responseStatus={"code": "201"}, user="invalid", sourceIPs={}
    )
    events, rejections, _ = read(tmp_path, line(odd))
    assert events == [("odd", 1)]
    assert rejections == []


def test_a_line_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    huge = event("huge", requestObject={"data": "x" * 5000})
    text = line(event("a")) + line(huge) + line(event("b"))
    events, rejections, _ = read(tmp_path, text, max_event_bytes=1024)
    assert [audit_id for audit_id, _ in events] == ["a", "b"]
    assert [rejection.location.line for rejection in rejections] == [2]
    assert "longer than the 1 KiB limit" in rejections[0].reason


def test_blank_lines_and_a_byte_order_mark_are_not_errors(tmp_path: Path) -> None:
    content = (
        b"\xef\xbb\xbf" + line(event("a")).encode() + b"\n  \n\r\n" + line(event("b")).encode()
    )
    events, rejections, _ = read(tmp_path, content)
    assert [audit_id for audit_id, _ in events] == ["a", "b"]
    assert rejections == []


def test_cloudwatch_truncation_is_counted_and_names_what_survived(tmp_path: Path) -> None:
    cut = line(event("cut-1", requestURI="/api/v1/namespaces/shop/configmaps"))[:70]
    text = line(event("a")) + cut + "[Truncated...]\n" + line(event("b"))
    events, rejections, reader = read(tmp_path, text)
    assert [audit_id for audit_id, _ in events] == ["a", "b"]
    assert rejections[0].truncated
    assert "auditID cut-1" in rejections[0].reason
    assert "cut off by CloudWatch Logs" in rejections[0].reason
    assert (reader.counts.rejected, reader.counts.truncated) == (1, 1)


def test_cloudwatch_records_and_pages_are_unwrapped(tmp_path: Path) -> None:
    record = {
        "logStreamName": "kube-apiserver-audit-71976ca1",
        "timestamp": 1,
        "message": json.dumps(event("r")),
    }
    page = {
        "events": [
            {"eventId": "1", "message": json.dumps(event("p1"))},
            {"eventId": "2", "message": json.dumps(event("p2"))[:60] + "[Truncated...]"},
        ],
        "nextToken": "t",
    }
    subscription = {
        "messageType": "DATA_MESSAGE",
        "logGroup": "/aws/eks/prod/cluster",
        "logEvents": [{"id": "9", "timestamp": 1, "message": json.dumps(event("s"))}],
    }
    control = {
        "messageType": "CONTROL_MESSAGE",
        "logEvents": [{"id": "0", "message": "CWL CONTROL MESSAGE: Checking health"}],
    }
    text = "".join(line(value) for value in (record, page, subscription, control))
    events, rejections, reader = read(tmp_path, text)
    assert [audit_id for audit_id, _ in events] == ["r", "p1", "s"]
    assert len(rejections) == 1
    assert rejections[0].truncated
    assert rejections[0].location.line == 2
    assert rejections[0].reason.startswith(".events[1]: entry cut off")
    assert reader.counts.truncated == 1


def test_aks_diagnostic_records_are_unwrapped_object_or_text(tmp_path: Path) -> None:
    as_object = {"category": "kube-audit-admin", "properties": {"log": event("o")}}
    as_text = {"category": "kube-audit", "properties": {"log": json.dumps(event("t"))}}
    events, rejections, _ = read(tmp_path, line(as_object) + line(as_text))
    assert [audit_id for audit_id, _ in events] == ["o", "t"]
    assert rejections == []


def test_every_item_of_a_batch_is_judged_alone(tmp_path: Path) -> None:
    batch = {"kind": "EventList", "items": [event("a"), {"kind": "Event"}, 3, event("b")]}
    events, rejections, _ = read(tmp_path, line(batch))
    assert [audit_id for audit_id, _ in events] == ["a", "b"]
    assert [rejection.reason.split(":")[0] for rejection in rejections] == [
        ".items[1]",
        ".items[2]",
    ]


def test_a_missing_file_is_an_input_error_and_the_others_are_read(tmp_path: Path) -> None:
    good = tmp_path / "good.log"
    good.write_text(line(event("a")))
    rejections: list[Rejection] = []
    reader = AuditLogReader(on_reject=rejections.append)
    events = [item.audit_id for item in reader.read([str(tmp_path / "missing.log"), str(good)])]
    assert events == ["a"]
    assert rejections[0].whole_input
    assert "no such file" in rejections[0].reason
    assert reader.counts.rejected == 0


def test_corrupt_gzip_keeps_the_events_before_the_damage(tmp_path: Path) -> None:
    body = "".join(line(event(str(n), requestURI="/api/v1/pods" * 20)) for n in range(2000))
    compressed = gzip.compress(body.encode())
    damaged = compressed[: len(compressed) // 2]
    events, rejections, _ = read(tmp_path, damaged, name="audit.log.gz")
    assert 0 < len(events) < 2000
    assert [audit_id for audit_id, _ in events] == [str(n) for n in range(len(events))]
    assert rejections[-1].whole_input
    assert "rest of the input is skipped" in rejections[-1].reason


def test_a_folder_is_read_file_by_file_leaving_out_hidden_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "b.log").write_text(line(event("b")))
    (tmp_path / "a.jsonl").write_text(line(event("a")))
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "audit.log.1").write_text(line(event("c")))
    (tmp_path / ".hidden.log").write_text(line(event("hidden")))
    (tmp_path / "README.md").write_text("# notes\n")
    reader = AuditLogReader()
    assert [item.audit_id for item in reader.read([str(tmp_path)])] == ["a", "b", "c"]


def test_events_from_other_sources_share_checks_and_duplicates() -> None:
    rejections: list[Rejection] = []
    reader = AuditLogReader(on_reject=rejections.append)
    posted = {"kind": "EventList", "items": [event("a"), event("a"), {"auditID": "x"}]}
    assert [item.audit_id for item in reader.events_in(posted, "webhook", None)] == ["a"]
    assert reader.counts.duplicates == 1
    assert [rejection.reason for rejection in rejections] == [
        ".items[2]: stage is missing; skipped"
    ]
