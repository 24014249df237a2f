"""Sustained speed of ``kubeguard detect serve`` over loopback TLS, and proof that nothing is lost.

Starts the server as its own process with every built-in rule, a spool and a JSON-lines
findings file, exactly as a user would (``kubeguard detect serve --config detect.yaml``, TLS,
a bearer token). A second process posts the realistic event mix of ``bench_detect.py``
(kubelet lease renewals, controller watches, status patches, some writes, a few attacks) as the
API server's webhook backend does: ``EventList`` batches of 400 events (its default
``--audit-webhook-batch-max-size``) over keep-alive HTTPS connections, several in parallel.

Reported:

- acknowledged events/s: events in batches answered 200 (on disk in the spool) divided by the
  time from the first request to the last answer; this is what the API server sees;
- processed events/s: the same events through every rule, until the detector has caught up;
- loss: events sent against events the server counted as accepted, events in the spool's
  records (read back from disk after the run) and events the detector processed. All must be
  equal, with no request answered anything but 200.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_webhook.py                       # 400,000 events, 4 connections
    python bench/bench_webhook.py --events 1000000 --connections 8
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import platform
import secrets
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from bench_detect import Generator

from kubeguard.webhook.spool import Position, Spool

ROOT = Path(__file__).resolve().parent.parent
# The throw-away certificate authority of the webhook tests.
sys.path.insert(0, str(ROOT))
from tests.webhook.pki import make_pki  # noqa: E402

RESULTS = Path(__file__).parent / "results"
BATCH = 400


def bodies(count: int, seed: int) -> list[bytes]:
    """EventList bodies of ``BATCH`` events each, ``count`` events in all."""
    events = list(Generator(seed).events(count))
    return [
        orjson.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": chunk})
        for chunk in (events[i : i + BATCH] for i in range(0, len(events), BATCH))
    ]


def post_all(
    port: int, ca: str, token: str, payloads: list[bytes], connections: int, out: Any
) -> None:
    """The client process: post every body over ``connections`` keep-alive connections."""
    context = ssl.create_default_context(cafile=ca)
    statuses: dict[int, int] = {}
    acknowledged = [0]
    lock = threading.Lock()
    queue = list(reversed(range(len(payloads))))

    def worker() -> None:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        while True:
            with lock:
                if not queue:
                    break
                index = queue.pop()
            connection.request("POST", "/audit", body=payloads[index], headers=headers)
            response = connection.getresponse()
            answer = response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status == 200:
                    acknowledged[0] += orjson.loads(answer)["accepted"]
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    out.send({"elapsed": elapsed, "statuses": statuses, "acknowledged": acknowledged[0]})


def status(port: int, ca: str, token: str) -> dict[str, Any]:
    context = ssl.create_default_context(cafile=ca)
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    connection.request("GET", "/status", headers={"Authorization": f"Bearer {token}"})
    document: dict[str, Any] = json.loads(connection.getresponse().read())
    connection.close()
    return document


def start_server(config: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-c", "from kubeguard.cli.main import run; run()"]
        + ["detect", "serve", "--config", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    if process.stderr is None:
        raise SystemExit("no pipe to the server's standard error")
    line = process.stderr.readline()
    if "listening on https://" not in line:
        raise SystemExit(f"server did not start: {line}{process.stderr.read()}")
    return process, int(line.split("https://127.0.0.1:", 1)[1].split("/", 1)[0])


def spool_events(folder: Path) -> int:
    spool = Spool(folder)
    spool.open()
    try:
        return sum(
            len(orjson.loads(record.payload)["items"])
            for record in spool.read(Position(spool.first_segment, 0))
        )
    finally:
        spool.close()


def run(events: int, connections: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kubeguard-bench-webhook-") as scratch:
        folder = Path(scratch)
        pki = make_pki(folder)
        token = secrets.token_hex(32)
        (folder / "token").write_text(token)
        config = folder / "detect.yaml"
        config.write_text(
            json.dumps(
                {
                    "listen": "127.0.0.1:0",
                    "tls": {"cert": str(pki.server.cert), "key": str(pki.server.key)},
                    "auth": {"tokens": [{"name": "apiserver", "file": "token"}]},
                    # Segments big enough that none is released: the spool is counted afterwards.
                    "spool": {"dir": "spool", "segment_size": "8GiB", "max_size": "16GiB"},
                    "outputs": {"jsonl": "findings.jsonl"},
                }
            )
        )
        payloads = bodies(events, seed)
        sent = sum(len(orjson.loads(body)["items"]) for body in payloads)
        process, port = start_server(config)
        try:
            receive, send = multiprocessing.Pipe(duplex=False)
            client = multiprocessing.Process(
                target=post_all, args=(port, str(pki.ca), token, payloads, connections, send)
            )
            started = time.perf_counter()
            client.start()
            outcome = receive.recv()
            client.join()
            while True:
                counters = status(port, str(pki.ca), token)["counters"]
                if counters.get("events_processed", 0) >= counters.get("events_accepted", 0):
                    break
                time.sleep(0.01)
            processed_after = time.perf_counter() - started
            process.send_signal(signal.SIGTERM)
            process.wait(120)
        finally:
            if process.poll() is None:
                process.kill()
            if process.stderr is not None:
                process.stderr.close()
        in_spool = spool_events(folder / "spool")
        findings = sum(1 for _ in (folder / "findings.jsonl").open("rb"))
    return {
        "events_sent": sent,
        "batches": len(payloads),
        "batch_size": BATCH,
        "connections": connections,
        "statuses": outcome["statuses"],
        "events_acknowledged": outcome["acknowledged"],
        "events_accepted_by_server": counters.get("events_accepted", 0),
        "events_in_spool": in_spool,
        "events_processed": counters.get("events_processed", 0),
        "findings": findings,
        "post_seconds": round(outcome["elapsed"], 3),
        "acknowledged_per_second": round(outcome["acknowledged"] / outcome["elapsed"]),
        "processed_seconds": round(processed_after, 3),
        "processed_per_second": round(counters.get("events_processed", 0) / processed_after),
        "lost": sent - min(outcome["acknowledged"], in_spool, counters.get("events_processed", 0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=400_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    rounds = [
        run(arguments.events, arguments.connections, arguments.seed)
        for _ in range(arguments.rounds)
    ]
    for number, result in enumerate(rounds, start=1):
        print(
            f"round {number}: {result['events_sent']:,} events in {result['batches']} batches over "
            f"{result['connections']} connections: acknowledged {result['acknowledged_per_second']:,}/s "
            f"({result['post_seconds']} s), processed {result['processed_per_second']:,}/s "
            f"({result['processed_seconds']} s); answers {result['statuses']}; "
            f"accepted {result['events_accepted_by_server']:,}, in spool "
            f"{result['events_in_spool']:,}, processed {result['events_processed']:,}, "
            f"lost {result['lost']}; {result['findings']:,} findings"
        )
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"webhook-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "revision": revision,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": multiprocessing.cpu_count(),
                "rounds": rounds,
            },
            indent=2,
        )
    )
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
