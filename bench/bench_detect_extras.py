"""Threat lists, behaviour baselines and Sigma rules: what each costs, on one core.

- **Threat lists**: a 1,000,000-entry list (97 % single IPv4 addresses, 2 % IPv4 networks of
  several lengths, 1 % IPv6 networks) is written as a text file and loaded; then lookups of
  distinct random addresses (no answer remembered), of a few addresses repeated (as audit logs
  repeat their callers), and the worst case of a list using all 33 IPv4 prefix lengths.
- **Anomalies**: the realistic event mix of ``bench_detect.py`` run through ``kubeguard detect``
  without a baseline, with one that is learning, and with one already learned (every event
  checked); the difference per event is the anomaly detector's overhead.
- **Sigma**: loading time per rule (the test suite's Sigma rules, copied with new ids up to a
  thousand rules), and the detection speed with the built-in rules alone and with the Sigma
  rules added.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_detect_extras.py
    python bench/bench_detect_extras.py --events 100000 --entries 200000
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_detect import RESULTS, write_log

from kubeguard.detect import DetectionRun, DetectOptions, read_sigma, stream_findings
from kubeguard.engines.detect.anomaly import AnomalyDetector
from kubeguard.model.addresses import AddressSet, Network
from kubeguard.model.baseline import ClusterBaseline
from kubeguard.sources.auditlog import AuditLogReader
from kubeguard.sources.threat_lists import load_lists

SIGMA_SAMPLES = Path(__file__).parent.parent / "tests" / "unit" / "detect" / "sigma_rules"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def best(function: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    runs = [timed(function) for _ in range(rounds)]
    return min(runs, key=lambda item: item[0])


# -- threat lists ----------------------------------------------------------------------------


def write_list(path: Path, entries: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as sink:
        sink.write("# generated threat list\n")
        for _ in range(entries):
            draw = rng.random()
            if draw < 0.97:
                value = rng.getrandbits(32)
                sink.write(f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}\n")
            elif draw < 0.99:
                prefix = rng.choice((20, 22, 24, 26, 28, 30))
                value = rng.getrandbits(32)
                text = f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"
                sink.write(f"{text}/{prefix} ; feed-{prefix}\n")
            else:
                prefix = rng.choice((32, 48, 56, 64, 128))
                groups = ":".join(f"{rng.getrandbits(16):x}" for _ in range(8))
                sink.write(f"{groups}/{prefix}\n")


def random_ipv4(rng: random.Random, count: int) -> list[str]:
    found = []
    for _ in range(count):
        value = rng.getrandbits(32)
        found.append(f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}")
    return found


def bench_lists(entries: int, rounds: int, folder: Path) -> dict[str, Any]:
    rng = random.Random(1)  # noqa: S311 - synthetic addresses, not secrets
    path = folder / "list.txt"
    write_list(path, entries, rng)
    load_seconds, loaded = best(lambda: load_lists([("bench", path)]), 1)
    addresses: AddressSet = loaded["custom/bench"].addresses
    probes = random_ipv4(rng, 500_000)

    def cold_match() -> int:
        match = addresses.match
        return sum(1 for address in probes if match(address) is not None)

    def cold_contains() -> int:
        addresses._remembered.clear()
        return sum(1 for address in probes if address in addresses)

    repeated = probes[:200] * 2500

    def warm_contains() -> int:
        return sum(1 for address in repeated if address in addresses)

    worst = AddressSet()
    for prefix in range(33):
        for _ in range(max(1, entries // 33)):
            worst.add(Network(4, prefix, rng.getrandbits(prefix) if prefix else 0))

    def worst_match() -> int:
        match = worst.match
        return sum(1 for address in probes if match(address) is not None)

    match_seconds, hits = best(cold_match, rounds)
    contains_seconds, _ = best(cold_contains, rounds)
    warm_seconds, _ = best(warm_contains, rounds)
    worst_seconds, _ = best(worst_match, rounds)
    return {
        "entries": len(addresses),
        "lines": loaded["custom/bench"].lines,
        "prefix_lengths": {str(v): list(p) for v, p in addresses.prefix_lengths.items()},
        "load_seconds": round(load_seconds, 2),
        "probes": len(probes),
        "probe_hits": hits,
        "distinct_lookups_per_second": round(len(probes) / match_seconds),
        "distinct_contains_per_second": round(len(probes) / contains_seconds),
        "repeated_contains_per_second": round(len(repeated) / warm_seconds),
        "worst_case_entries": len(worst),
        "worst_case_lookups_per_second": round(len(probes) / worst_seconds),
    }


# -- anomalies ---------------------------------------------------------------------------------


def count_findings(log: Path, options: DetectOptions) -> int:
    run = DetectionRun(options)
    return sum(1 for _ in stream_findings([str(log)], run))


def bench_anomalies(log: Path, events: int, rounds: int, folder: Path) -> dict[str, Any]:
    baseline = folder / "baseline.json"
    week = datetime.timedelta(days=7)

    def without() -> int:
        return count_findings(log, DetectOptions())

    def learning() -> int:
        baseline.unlink(missing_ok=True)
        return count_findings(log, DetectOptions(baseline_path=baseline, learning_window=week))

    def checking() -> int:
        return count_findings(
            log, DetectOptions(baseline_path=learned, learning_window=datetime.timedelta(0))
        )

    learned = folder / "learned.json"
    count_findings(log, DetectOptions(baseline_path=learned, learning_window=week))
    learned_copy = learned.read_bytes()

    def checking_fresh() -> int:
        learned.write_bytes(learned_copy)
        return checking()

    events_read = list(AuditLogReader().read([str(log)]))
    week_seconds = int(week.total_seconds())

    def learn_alone() -> AnomalyDetector:
        detector = AnomalyDetector(ClusterBaseline("bench", week_seconds))
        detector.run(events_read)
        return detector

    def check_alone() -> int:
        detector = AnomalyDetector(ClusterBaseline("bench", week_seconds))
        detector.run(events_read)
        detector.baseline.learn_seconds = 0
        start = time.perf_counter()
        detector.run(events_read)
        return int((time.perf_counter() - start) * 1e9)

    learn_alone_seconds, _ = best(learn_alone, rounds)
    check_alone_nanoseconds = min(check_alone() for _ in range(rounds))
    base_seconds, base_findings = best(without, rounds)
    learn_seconds, _ = best(learning, rounds)
    check_seconds, check_findings = best(checking_fresh, rounds)
    return {
        "events": events,
        "without_baseline_events_per_second": round(events / base_seconds),
        "learning_events_per_second": round(events / learn_seconds),
        "checking_events_per_second": round(events / check_seconds),
        "learning_overhead_microseconds_per_event": round(
            (learn_seconds - base_seconds) / events * 1e6, 2
        ),
        "checking_overhead_microseconds_per_event": round(
            (check_seconds - base_seconds) / events * 1e6, 2
        ),
        "detector_alone_learning_microseconds_per_event": round(
            learn_alone_seconds / len(events_read) * 1e6, 2
        ),
        "detector_alone_checking_microseconds_per_event": round(
            check_alone_nanoseconds / len(events_read) / 1e3, 2
        ),
        "baseline_file_bytes": len(learned_copy),
        "findings_without_baseline": base_findings,
        "findings_with_learned_baseline": check_findings,
    }


# -- sigma -----------------------------------------------------------------------------------


def bench_sigma(log: Path, events: int, rounds: int, folder: Path) -> dict[str, Any]:
    samples = sorted(SIGMA_SAMPLES.glob("*.yml"))
    copies = folder / "sigma-copies"
    copies.mkdir()
    written = 0
    while written < 1000:
        for sample in samples:
            text = sample.read_text(encoding="utf-8")
            old_id = next(line for line in text.splitlines() if line.startswith("id:"))
            text = text.replace(old_id, f"id: {uuid.uuid4()}")
            (copies / f"{written:04d}-{sample.name}").write_text(text, encoding="utf-8")
            written += 1
    load_seconds, loaded = best(lambda: read_sigma([copies]), rounds)
    sample_seconds, sample_rules = best(lambda: read_sigma([SIGMA_SAMPLES]), rounds)

    def builtin() -> int:
        return count_findings(log, DetectOptions())

    def with_sigma() -> int:
        return count_findings(log, DetectOptions(sigma_paths=(SIGMA_SAMPLES,)))

    builtin_seconds, _ = best(builtin, rounds)
    sigma_seconds, sigma_findings = best(with_sigma, rounds)
    return {
        "files_loaded": loaded.files,
        "rules_loaded": len(loaded.rules),
        "other_logsources": loaded.other_logsources,
        "load_seconds": round(load_seconds, 3),
        "load_milliseconds_per_rule": round(load_seconds / max(1, loaded.files) * 1e3, 3),
        "sample_rules": len(sample_rules.rules),
        "sample_load_milliseconds": round(sample_seconds * 1e3, 1),
        "builtin_events_per_second": round(events / builtin_seconds),
        "builtin_and_sigma_events_per_second": round(events / sigma_seconds),
        "sigma_overhead_microseconds_per_event": round(
            (sigma_seconds - builtin_seconds) / events * 1e6, 2
        ),
        "findings_with_sigma": sigma_findings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260302)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        log = folder / "audit.log"
        write_log(log, arguments.events, arguments.seed)
        result = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "threat_lists": bench_lists(arguments.entries, arguments.rounds, folder),
            "anomalies": bench_anomalies(log, arguments.events, arguments.rounds, folder),
            "sigma": bench_sigma(log, arguments.events, arguments.rounds, folder),
        }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"detect-extras-{stamp}.json").write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
