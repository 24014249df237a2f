"""Audit events from CloudWatch Logs, against the moto server that .ci/setup.d starts.

Real corpus events are written with ``put_log_events`` into an EKS-shaped log group (two
``kube-apiserver-audit-*`` streams and an authenticator stream), then pulled page by page.
"""

from __future__ import annotations

import datetime
import http.server
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from kubeguard.sources.auditlog import AuditLogReader, Rejection
from kubeguard.sources.cloudwatch import (
    Checkpoint,
    CloudWatchError,
    CloudWatchSource,
    parse_moment,
    to_millis,
)
from tests.conftest import corpus_dir, service_address
from tests.unit.cli.helpers import run_cli

NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def corpus_events() -> list[dict[str, Any]]:
    """Every event of the shared audit corpus (duplicates left out), in file order."""
    reader = AuditLogReader()
    return [event.data for event in reader.read([str(corpus_dir("audit"))])]


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A CloudWatch Logs client of the AWS emulator (and the environment pointing at it)."""
    import boto3

    endpoint = service_address("KUBEGUARD_TEST_AWS_ENDPOINT", "AWS emulator")
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.client("logs", region_name="us-east-1")


def new_group(logs: Any, streams: tuple[str, ...]) -> str:
    group = f"/aws/eks/test-{uuid.uuid4().hex[:10]}/cluster"
    logs.create_log_group(logGroupName=group)
    for stream in streams:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    return group


def put(logs: Any, group: str, stream: str, entries: list[tuple[int, str]]) -> None:
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ms, "message": text} for ms, text in entries],
    )


AUDIT_A = "kube-apiserver-audit-71976ca11bea5d3083393f7d32dab75b"
AUDIT_B = "kube-apiserver-audit-0c2d9f1e5b7a4c3d8e9f0a1b2c3d4e5f"
AUTHENTICATOR = "authenticator-71976ca11bea5d3083393f7d32dab75b"


@pytest.fixture
def cluster(logs: Any) -> tuple[str, list[dict[str, Any]], int]:
    """A log group holding the corpus split over two audit streams, noise and a cut-off entry.

    Returns the group, the events written and the millisecond of the newest one.
    """
    events = corpus_events()
    group = new_group(logs, (AUDIT_A, AUDIT_B, AUTHENTICATOR))
    base = to_millis(NOW - datetime.timedelta(minutes=30))
    half = len(events) // 2
    # Pairs of events share a millisecond, as busy API servers make them.
    put(
        logs,
        group,
        AUDIT_A,
        [(base + i // 2, orjson.dumps(e).decode()) for i, e in enumerate(events[:half])],
    )
    put(
        logs,
        group,
        AUDIT_B,
        [
            (base + i // 2, orjson.dumps(e).decode())
            for i, e in enumerate(events[half:], start=half)
        ],
    )
    put(logs, group, AUTHENTICATOR, [(base + 1, 'time=... level=info msg="access granted"')])
    rest = {key: value for key, value in events[0].items() if key != "auditID"}
    cut = orjson.dumps({"auditID": "cut-off-entry", **rest, "requestObject": {"x": "y" * 300}})
    put(logs, group, AUDIT_B, [(base + len(events), cut[:200].decode() + "[Truncated...]")])
    return group, events, base + len(events)


def pull(source: CloudWatchSource, reader: AuditLogReader | None = None) -> list[dict[str, Any]]:
    return [event.data for event in source.events(reader or AuditLogReader())]


def test_every_page_of_every_audit_stream_is_read(cluster):
    group, events, _ = cluster
    rejections: list[Rejection] = []
    reader = AuditLogReader(on_reject=rejections.append)
    source = CloudWatchSource(group, start=NOW - datetime.timedelta(hours=1), page_size=7)

    read = pull(source, reader)

    assert sorted(e["auditID"] + e["stage"] for e in read) == sorted(
        e["auditID"] + e["stage"] for e in events
    )
    assert source.stats.pages > len(events) // 7
    assert source.stats.other_streams == 1
    assert source.stats.streams == {AUDIT_A, AUDIT_B}
    assert reader.counts.inputs == 2
    assert reader.counts.truncated == 1
    [rejection] = rejections
    assert rejection.truncated
    assert "auditID cut-off-entry" in rejection.reason
    assert rejection.location.path == f"cloudwatch:{group}/{AUDIT_B}"


def test_a_second_run_continues_where_the_checkpoint_stopped(cluster, logs, tmp_path):
    group, events, newest = cluster
    checkpoint = tmp_path / "cw.json"
    start = NOW - datetime.timedelta(hours=1)
    first = CloudWatchSource(group, start=start, checkpoint=checkpoint, page_size=5)
    assert len(pull(first)) == len(events)
    first.save_checkpoint()
    saved = Checkpoint.load(checkpoint)
    assert saved is not None
    assert saved.timestamp == newest
    assert len(saved.event_ids) == 1  # the cut-off entry, alone at the newest millisecond

    again = CloudWatchSource(group, start=start, checkpoint=checkpoint)
    assert pull(again) == []
    assert again.stats.already_read == 1

    # A late entry at the checkpoint's own millisecond, and a newer one.
    late = {**events[1], "auditID": "late-same-millisecond"}
    newer = {**events[2], "auditID": "newer"}
    put(logs, group, AUDIT_A, [(newest, orjson.dumps(late).decode())])
    put(logs, group, AUDIT_A, [(newest + 5, orjson.dumps(newer).decode())])
    resumed = CloudWatchSource(group, start=start, checkpoint=checkpoint)
    assert [e["auditID"] for e in pull(resumed)] == ["late-same-millisecond", "newer"]
    resumed.save_checkpoint()
    saved = Checkpoint.load(checkpoint)
    assert saved is not None
    assert saved.timestamp == newest + 5
    assert saved == resumed.checkpoint


def test_until_bounds_the_range(cluster):
    group, events, newest = cluster
    end = datetime.datetime.fromtimestamp((newest - len(events) + 2) / 1000, datetime.UTC)
    source = CloudWatchSource(group, start=NOW - datetime.timedelta(hours=1), end=end)
    # Milliseconds base to base+2 hold the first six events, all in the first stream.
    assert [e["auditID"] for e in pull(source)] == [e["auditID"] for e in events[:6]]


def test_a_missing_log_group_is_one_clear_error(logs):
    source = CloudWatchSource("/aws/eks/no-such-cluster/cluster", region="us-east-1")
    with pytest.raises(CloudWatchError) as raised:
        pull(source)
    assert str(raised.value).startswith("log group /aws/eks/no-such-cluster/cluster does not exist")


def test_missing_credentials_are_one_clear_error(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    source = CloudWatchSource("/aws/eks/prod/cluster", region="eu-west-1")
    with pytest.raises(CloudWatchError, match=r"^no AWS credentials found"):
        pull(source)


class _Throttling(http.server.BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def throttling_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Throttling]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    _Throttling.calls = 0
    yield _Throttling
    server.shutdown()
    server.server_close()


def test_throttling_is_retried_a_bounded_number_of_times(throttling_endpoint):
    source = CloudWatchSource("/aws/eks/prod/cluster", region="eu-west-1", max_attempts=3)
    with pytest.raises(CloudWatchError, match="still throttling after retries"):
        pull(source)
    assert throttling_endpoint.calls == 3


def test_a_checkpoint_of_another_group_or_garbage_is_refused(tmp_path):
    path = tmp_path / "cw.json"
    Checkpoint("/aws/eks/staging/cluster", 5, frozenset({"1"})).save(path)
    with pytest.raises(CloudWatchError, match="for log group /aws/eks/staging/cluster"):
        CloudWatchSource("/aws/eks/prod/cluster", checkpoint=path)
    path.write_text("{not json")
    with pytest.raises(CloudWatchError, match="not a kubeguard CloudWatch checkpoint"):
        CloudWatchSource("/aws/eks/prod/cluster", checkpoint=path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", NOW - datetime.timedelta(hours=24)),
        ("30m", NOW - datetime.timedelta(minutes=30)),
        ("7d", NOW - datetime.timedelta(days=7)),
        ("2026-03-02T09:00:00Z", datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)),
        ("2026-03-02T09:00:00", datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)),
    ],
)
def test_moments(text, expected):
    assert parse_moment(text, NOW) == expected


def test_a_moment_that_is_neither_is_refused():
    with pytest.raises(ValueError, match="neither a duration"):
        parse_moment("yesterday", NOW)


def test_checkpoint_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cw.json"
    assert Checkpoint.load(path) is None
    checkpoint = Checkpoint("/aws/eks/prod/cluster", 1_772_442_000_123, frozenset({"b", "a"}))
    checkpoint.save(path)
    assert Checkpoint.load(path) == checkpoint
    assert orjson.loads(path.read_bytes())["time"] == "2026-03-02T09:00:00.123000Z"


def test_the_detect_command_pulls_reports_and_resumes(cluster, tmp_path, capsys):
    group, events, _ = cluster
    checkpoint = str(tmp_path / "cw.json")
    argv = ["detect", "--cloudwatch", group, "--since", "1h", "--checkpoint", checkpoint]

    first = run_cli(capsys, *argv, "--format", "json")

    report = first.json()
    assert report["ingestion"]["events"] == len(events)
    assert report["ingestion"]["truncated"] == 1
    assert report["ingestion"]["inputs"] == 2
    detections = [f for f in report["findings"] if f.get("detection")]
    assert {f["detection"]["finding_type"] for f in detections} >= {
        "PrivilegeEscalation:Kubernetes/PrivilegedContainer"
    }
    # The cut-off entry is an input error: reported, and the run is incomplete.
    assert first.code == 3
    assert any("cut off by CloudWatch Logs" in f["message"] for f in report["findings"])

    second = run_cli(capsys, *argv, "--format", "json")
    assert second.json()["ingestion"]["events"] == 0
    assert second.code == 0


def test_the_detect_command_says_what_is_wrong_in_one_line(logs, capsys):
    missing = run_cli(capsys, "detect", "--cloudwatch", "/aws/eks/absent/cluster")
    assert missing.code == 2
    assert missing.err.startswith("kubeguard: error: log group /aws/eks/absent/cluster does not")
    assert len(missing.err.splitlines()) == 1

    bad_time = run_cli(capsys, "detect", "--cloudwatch", "/aws/eks/x/cluster", "--since", "soon")
    assert bad_time.code == 2
    assert "--since" in bad_time.err

    nothing = run_cli(capsys, "detect", "--since", "1h", "audit.log")
    assert nothing.code == 2
    assert "go with --cloudwatch" in nothing.err
