"""The webhook endpoint: accepted batches are detected on; every bad request is a clear 4xx.

Each test runs the real server (TLS, spool, detector) in a thread on a free port, posts with a
keep-alive HTTPS client as the API server does, stops the server and checks the findings file,
which lists every event the detector processed (see ``EVERY_EVENT_RULE``).
"""

from __future__ import annotations

import ssl
import time
from collections import Counter

import orjson
import pytest

from kubeguard.model import ConfigError
from kubeguard.webhook import load_serve_config
from tests.webhook.harness import (
    TOKEN,
    event,
    event_list,
    findings_audit_ids,
    running,
    write_config,
)


@pytest.fixture
def config(tmp_path, pki):
    return write_config(tmp_path, pki)


def test_batches_are_acknowledged_and_every_event_is_processed_once(tmp_path, pki, config):
    with running(config) as server:
        client = server.client(pki)
        sent = [event(i) for i in range(300)]
        for start in range(0, 300, 100):
            answer = client.post(event_list(sent[start : start + 100]))
            assert answer.status == 200
            assert answer.json() == {"accepted": 100, "rejected": 0}
        # A retried batch (the API server re-sends on timeouts) is recognised.
        assert client.post(event_list(sent[:100])).status == 200
        status = client.request("GET", "/status").json()
        summary = server.summary()
    assert status["counters"]["events_accepted"] == 400
    assert summary.counters["events_processed"] == 300
    assert summary.counters["events_duplicate"] == 100
    ids = findings_audit_ids(tmp_path / "findings.jsonl")
    assert sorted(ids) == sorted(e["auditID"] for e in sent)


def test_bad_requests_get_clear_4xx_and_valid_events_are_kept(tmp_path, pki, config):
    good = [event(i) for i in range(6)]
    with running(config) as server:
        client = server.client(pki)
        whole = event_list(good[:2])
        answers = {
            "truncated JSON": client.post(whole[: len(whole) // 2]),
            "not JSON": client.post(b"audit events, honest"),
            "not an EventList": client.post(orjson.dumps({"kind": "Pod", "metadata": {}})),
            "items not a list": client.post(orjson.dumps({"kind": "EventList", "items": "x"})),
            "only bad items": client.post(event_list([1, {"auditID": "x"}])),
            "wrong content type": client.post(whole, content_type="text/plain"),
            "unknown path": client.request("POST", "/elsewhere", whole),
            "wrong method": client.request("GET", "/audit"),
        }
        mixed = client.post(
            event_list(
                [
                    good[2],
                    "not an object",
                    {**good[3], "verb": 7},
                    {k: v for k, v in good[4].items() if k != "stage"},
                    good[5],
                ]
            )
        )
        answers["no token"] = server.client(pki, token=None).post(whole)
        answers["wrong token"] = server.client(pki, token="x" * 32).post(whole)
        answers["status without token"] = server.client(pki, token=None).request("GET", "/status")
        metrics = client.request("GET", "/metrics")
        summary = server.summary()

    assert {name: answer.status for name, answer in answers.items()} == {
        "truncated JSON": 400,
        "not JSON": 400,
        "not an EventList": 400,
        "items not a list": 400,
        "only bad items": 400,
        "wrong content type": 415,
        "unknown path": 404,
        "wrong method": 405,
        "no token": 401,
        "wrong token": 401,
        "status without token": 401,
    }
    assert "not valid JSON" in answers["truncated JSON"].json()["error"]
    assert answers["no token"].headers["www-authenticate"] == "Bearer"
    # The good items of a mixed batch are kept: answering 4xx would make the API server drop
    # them, answering 5xx would make it re-send the bad ones forever.
    assert mixed.status == 200
    assert mixed.json() == {
        "accepted": 2,
        "rejected": 3,
        "reasons": [
            "items[1]: a string, not an audit event",
            "items[2]: verb is a number, not a string",
            "items[3]: stage is missing",
        ],
    }
    assert sorted(findings_audit_ids(tmp_path / "findings.jsonl")) == [
        good[2]["auditID"],
        good[5]["auditID"],
    ]
    counters = summary.counters
    assert counters["rejected_bad_batch"] == 5
    assert counters["rejected_content_type"] == 1
    assert counters["rejected_unauthorized"] == 3
    assert counters["events_rejected"] == 3
    assert counters["events_processed"] == 2
    assert b"kubeguard_webhook_rejected_bad_batch 5" in metrics.body


def test_an_oversized_body_is_refused_unread(tmp_path, pki):
    config = write_config(tmp_path, pki, limits={"max_body": "4KiB"})
    with running(config) as server:
        client = server.client(pki)
        answer = client.post(event_list([event(i) for i in range(40)]))
        assert answer.status == 413
        assert answer.headers["connection"] == "close"
        again = server.client(pki)
        assert again.post(event_list([event(1)])).status == 200
        summary = server.summary()
    assert summary.counters["rejected_too_large"] == 1
    assert findings_audit_ids(tmp_path / "findings.jsonl") == [event(1)["auditID"]]


def test_a_flood_gets_429_and_no_acknowledged_event_is_lost(tmp_path, pki):
    config = write_config(tmp_path, pki, limits={"rate": 5, "burst": 10})
    acknowledged: list[str] = []
    statuses: Counter[int] = Counter()
    with running(config) as server:
        client = server.client(pki)
        started = time.monotonic()
        for serial in range(200):
            batch = [event(serial * 2), event(serial * 2 + 1)]
            answer = client.post(event_list(batch))
            statuses[answer.status] += 1
            if answer.status == 200:
                acknowledged += [e["auditID"] for e in batch]
            else:
                assert answer.status == 429
                assert int(answer.headers["retry-after"]) >= 1
        elapsed = time.monotonic() - started
        summary = server.summary()
    # The burst, then five a second: everything else is refused.
    assert 10 <= statuses[200] <= 10 + 5 * elapsed + 1
    assert statuses[429] == 200 - statuses[200]
    assert summary.counters["rejected_rate_limited"] == statuses[429]
    assert sorted(findings_audit_ids(tmp_path / "findings.jsonl")) == sorted(acknowledged)


def test_client_certificates_authenticate_and_are_verified(tmp_path, pki):
    config = write_config(
        tmp_path,
        pki,
        auth={"tokens": [], "client_subjects": ["kube-apiserver"]},
        tls={"client_ca": str(pki.ca)},
    )
    with running(config) as server:
        trusted = server.client(pki, pki.client, token=None)
        assert trusted.post(event_list([event(1)])).status == 200
        not_listed = server.client(pki, pki.other_client, token=None)
        answer = not_listed.post(event_list([event(2)]))
        assert answer.status == 403
        assert "intruder" in answer.json()["error"]
        for who in (pki.foreign_client, None):
            stranger = server.client(pki, who, token=None)
            with pytest.raises((ssl.SSLError, ConnectionError)):
                stranger.post(event_list([event(3)]))
        summary = server.summary()
    assert summary.counters["rejected_tls_handshake"] == 2
    assert summary.counters["rejected_forbidden"] == 1
    assert findings_audit_ids(tmp_path / "findings.jsonl") == [event(1)["auditID"]]


def test_with_tokens_and_a_ca_either_one_is_enough(tmp_path, pki):
    config = write_config(tmp_path, pki, tls={"client_ca": str(pki.ca)})
    with running(config) as server:
        by_token = server.client(pki)
        by_certificate = server.client(pki, pki.client, token=None)
        assert by_token.post(event_list([event(1)])).status == 200
        assert by_certificate.post(event_list([event(2)])).status == 200
        server.summary()


def test_the_server_refuses_to_start_without_authentication_or_tls(tmp_path, pki):
    no_auth = write_config(tmp_path, pki, auth={"tokens": []})
    with pytest.raises(ConfigError, match="no authentication configured"):
        load_serve_config(str(no_auth))
    no_tls = write_config(tmp_path, pki, tls={"cert": None})
    with pytest.raises(ConfigError, match="TLS is required"):
        load_serve_config(str(no_tls))
    (tmp_path / "short").write_text("short")
    weak = {"auth.tokens": [{"name": "t", "file": str(tmp_path / "short")}]}
    with pytest.raises(ConfigError, match="at least 16 printable characters"):
        load_serve_config(str(write_config(tmp_path, pki)), weak)


def test_configuration_errors_name_the_line(tmp_path, pki):
    path = tmp_path / "detect.yaml"
    path.write_text(
        f"tls:\n  cert: {pki.server.cert}\n  key: {pki.server.key}\nlimits:\n  max_body: lots\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_serve_config(str(path))
    assert str(raised.value).startswith(f"{path}:5: invalid limits.max_body: Value error, 'lots'")


def test_defaults_bind_loopback(tmp_path, pki):
    config = load_serve_config(str(write_config(tmp_path, pki, listen="127.0.0.1:8443")))
    assert (config.host, config.port) == ("127.0.0.1", 8443)
    assert config.tokens == {"apiserver": TOKEN.encode()}
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        f"tls: {{cert: {pki.server.cert}, key: {pki.server.key}, client_ca: {pki.ca}}}\n"
    )
    assert load_serve_config(str(bare)).host == "127.0.0.1"


def test_the_behaviour_baseline_learns_from_webhook_events(tmp_path, pki):
    config = write_config(
        tmp_path,
        pki,
        detection={"baseline": "baseline.json", "cluster": "lab", "learning_window": "1h"},
    )
    with running(config) as server:
        assert server.client(pki).post(event_list([event(i) for i in range(5)])).status == 200
        server.summary()
    saved = orjson.loads((tmp_path / "baseline.json").read_bytes())
    assert "system:serviceaccount:shop:orders" in orjson.dumps(saved).decode()
    assert "lab" in orjson.dumps(saved).decode()
