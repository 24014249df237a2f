"""A server killed with SIGKILL mid-stream loses no acknowledged event and processes none twice.

The server runs as its own process (``kubeguard detect serve``). A client posts batches as the
API server does: when a request fails, it re-sends that batch to the restarted server. The
detector commits only at its start and at shutdown (``commit_interval: 1h``), so everything
stored before the kill is replayed after it: the findings written before the kill must be cut
back and written again exactly once, and batches stored but never acknowledged (the kill came
between the disk flush and the 200) must be recognised as duplicates when they are re-sent.
"""

from __future__ import annotations

import http.client
import os
import select
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from tests.webhook.harness import (
    Client,
    client_context,
    event,
    event_list,
    findings_audit_ids,
    write_config,
)
from tests.webhook.pki import Pki

BATCHES = 120
BATCH_SIZE = 50
KILL_AFTER = 40
_REQUEST_FAILURES = (OSError, ssl.SSLError, http.client.HTTPException)


def start(config: Path) -> tuple[subprocess.Popen[str], int, str]:
    """Start ``kubeguard detect serve``; its port and its ``listening`` line."""
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", "from kubeguard.cli.main import run; run()"]
        + ["detect", "serve", "--config", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            line = process.stderr.readline()
            assert line, f"server exited with {process.wait()}"
            if "listening on https://" in line:
                port = int(line.split("https://127.0.0.1:", 1)[1].split("/", 1)[0])
                return process, port, line
    process.kill()
    process.wait()
    raise AssertionError("server did not start")


def test_sigkill_mid_stream_loses_no_acknowledged_event_and_repeats_none(
    tmp_path: Path, pki: Pki
) -> None:
    config = write_config(
        tmp_path,
        pki,
        spool={"commit_interval": "1h", "segment_size": "64KiB"},
        limits={"rate": 10_000, "burst": 10_000},
    )
    batches = [
        [event(b * BATCH_SIZE + i, run="crash") for i in range(BATCH_SIZE)] for b in range(BATCHES)
    ]
    acknowledged: list[str] = []
    process, port, _ = start(config)
    processes = [process]
    try:
        replay_line = post_through_a_kill(
            process, port, config, pki, batches, acknowledged, processes
        )
        processes[-1].send_signal(signal.SIGTERM)
        assert processes[-1].wait(60) == 0
    finally:
        for started in processes:
            if started.poll() is None:
                started.kill()
                started.wait()
            if started.stderr is not None:
                started.stderr.close()

    assert "replaying" in replay_line, replay_line
    replayed = int(replay_line.split("replaying ", 1)[1].split(" ", 1)[0])
    assert replayed >= KILL_AFTER
    seen = Counter(findings_audit_ids(tmp_path / "findings.jsonl"))
    assert [audit for audit, times in seen.items() if times > 1] == []
    assert set(seen) == set(acknowledged)
    assert len(acknowledged) == BATCHES * BATCH_SIZE


def post_through_a_kill(
    process: subprocess.Popen[str],
    port: int,
    config: Path,
    pki: Pki,
    batches: list[list[dict[str, object]]],
    acknowledged: list[str],
    processes: list[subprocess.Popen[str]],
) -> str:
    """Post every batch, killing the server once mid-stream; the restarted one's ready line."""
    client = Client(port, client_context(pki))
    killed = False
    replay_line = ""
    index = 0
    while index < len(batches):
        if index == KILL_AFTER and not killed:
            # The kill lands while the next requests are in flight.
            threading.Timer(0.005, os.kill, (process.pid, signal.SIGKILL)).start()
            killed = True
        try:
            answer = client.post(event_list(batches[index]))
        except _REQUEST_FAILURES:
            client.close()
            assert process.wait(30) == -signal.SIGKILL
            process, port, replay_line = start(config)
            processes.append(process)
            client = Client(port, client_context(pki))
            continue  # the same batch again, as the API server retries it
        assert answer.status == 200, answer.body
        acknowledged += [str(e["auditID"]) for e in batches[index]]
        index += 1
    client.close()
    assert killed
    return replay_line
