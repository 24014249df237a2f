"""``kubeguard detect serve``: the webhook server, the spool and the detector, wired together.

:func:`serve` opens the spool (cutting a torn tail), restores the detector's committed state,
starts the detector thread (which replays whatever was stored but not committed), starts the
spool writer and the HTTPS server, and runs until SIGTERM/SIGINT or ``stop``. Shutting down
stops accepting connections, lets the writer store what is queued, lets the detector process
the whole spool and close every aggregation window, commits, and writes the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeguard.detect import DetectionRun, DetectOptions
from kubeguard.findings import ScanResult
from kubeguard.report import ReportOptions, render
from kubeguard.webhook.config import ServeConfig
from kubeguard.webhook.limits import Counters
from kubeguard.webhook.pipeline import DetectorLoop, FindingOutputs, Recovery
from kubeguard.webhook.server import SpoolWriter, WebhookServer
from kubeguard.webhook.spool import Spool
from kubeguard.webhook.state import load_state

#: How often the server checks the ``stop`` event of an embedded run.
_STOP_POLL = 0.1


@dataclass(frozen=True, slots=True)
class ServeSummary:
    """How a server run ended."""

    result: ScanResult
    """The findings of this run (what the shutdown report shows)."""
    counters: dict[str, int]
    recovery: Recovery
    detector_failed: bool


def detect_options(config: ServeConfig) -> DetectOptions:
    """The detection options of the ``detection`` section, paths resolved."""
    section = config.file.detection
    window = section.learning_window
    return DetectOptions(
        rule_paths=tuple(config.resolve(path) for path in section.rules),
        sigma_paths=tuple(config.resolve(path) for path in section.sigma),
        baseline_path=config.resolve(section.baseline) if section.baseline else None,
        cluster=section.cluster,
        learning_window=datetime.timedelta(seconds=window) if window is not None else None,
        builtin_rules=section.builtin_rules,
        threat_list_files=tuple(
            (name, str(config.resolve(path))) for name, path in section.threat_lists.items()
        ),
        tor_exit_files=tuple(str(config.resolve(path)) for path in section.tor_exits),
    )


def serve(
    config: ServeConfig,
    *,
    on_ready: Callable[[str, Recovery], None] | None = None,
    stop: threading.Event | None = None,
) -> ServeSummary:
    """Run the server until a signal (or ``stop``); raises ``RuleSetError``/``KubeguardError``."""
    run = DetectionRun(detect_options(config))
    counters = Counters()
    section = config.file.spool
    folder = config.resolve(section.dir)
    spool = Spool(folder, segment_bytes=section.segment_size, max_bytes=section.max_size)
    saved = load_state(folder)
    opened = spool.open(saved.position if saved else None)
    counters.set("spool_torn_bytes_cut", opened.truncated_bytes)
    outputs_section = config.file.outputs
    outputs = FindingOutputs(
        config.resolve(outputs_section.jsonl) if outputs_section.jsonl else None,
        stdout=outputs_section.stdout,
        rules=run.rules,
        counters=counters,
    )
    detector = DetectorLoop(
        spool,
        run,
        outputs,
        counters,
        commit_interval=section.commit_interval,
        idle_flush=config.file.detection.idle_flush,
    )
    recovery = detector.recover(saved)
    detector.start()
    writer = SpoolWriter(spool)
    writer.start()
    server = WebhookServer(config, writer, counters, lambda: _status(spool, detector, counters))
    server.healthy = lambda: detector.alive
    try:
        asyncio.run(_run(server, config, recovery, on_ready, stop))
    finally:
        writer.stop()
        detector.stop()
        spool.close()
        outputs.close()
    result = run.result(outputs.kept)
    if outputs_section.report is not None:
        text = render(result, outputs_section.report_format, ReportOptions(color=False))
        Path(config.resolve(outputs_section.report)).write_text(text, encoding="utf-8")
    return ServeSummary(result, counters.snapshot(), recovery, detector.failure is not None)


async def _run(
    server: WebhookServer,
    config: ServeConfig,
    recovery: Recovery,
    on_ready: Callable[[str, Recovery], None] | None,
    stop: threading.Event | None,
) -> None:
    port = await server.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, stopping.set)
    host = f"[{config.host}]" if ":" in config.host else config.host
    if on_ready is not None:
        on_ready(f"https://{host}:{port}{config.file.path}", recovery)
    while not stopping.is_set() and not (stop is not None and stop.is_set()):
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), _STOP_POLL)
    await server.close()


def _status(spool: Spool, detector: DetectorLoop, counters: Counters) -> dict[str, Any]:
    counters.set("spool_bytes", spool.size)
    counters.set("spool_damaged_records", spool.damaged_records)
    return {
        "counters": counters.snapshot(),
        "spool": {
            "durable": spool.durable.as_list(),
            "processed": detector.position.as_list(),
        },
        "detector": {"running": detector.alive},
    }
