"""Speed of image vulnerability scanning: a large image against a large advisory database.

Builds, in a scratch folder:

- a docker archive with 500 Debian 12 packages (from 250 source packages) and 300 Python
  packages, with the writer of the bundled example image (``examples/eks-shop/image/build.py``);
- a vulnerability database of generated advisories (110,000 by default): Debian entries keyed on
  source packages and PyPI entries with ranges and explicit version lists, spread over many more
  package names than the image holds, so that lookups hit the index as in a real database.

Then times ``kubeguard image scan`` end to end on one core (``taskset -c 0``; a fresh process
each run: interpreter start, database open, image read, matching, report), and the phases
in-process: database open, image read, matching. Advisory entries matched per second is the
number of advisory entries evaluated against installed versions divided by the matching time.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_images.py [--advisories N] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from kubeguard.engines.vulns.matcher import match_image
from kubeguard.image_scan import paused_cyclic_gc
from kubeguard.model.advisory import (
    Advisory,
    AffectedPackage,
    AffectedRange,
    EventKind,
    RangeEvent,
    RangeType,
    ScoreType,
    SeverityScore,
)
from kubeguard.model.finding import Severity
from kubeguard.sources.advisories import AdvisoryDatabase, SourceStatus, utc_now
from kubeguard.sources.images import read_image

ROOT = Path(__file__).resolve().parent.parent
OS_PACKAGES = 500
PYTHON_PACKAGES = 300
#: Share of advisories for Debian (the rest PyPI), and names per ecosystem beyond the image's.
DEBIAN_SHARE = 0.55
EXTRA_NAMES = 20_000
CVSS = SeverityScore(
    ScoreType.CVSS_V3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N", 6.5, Severity.MEDIUM
)


def load_builder() -> ModuleType:
    """The example image's writer, loaded from its file (examples/ is not a package)."""
    path = ROOT / "examples" / "eks-shop" / "image" / "build.py"
    spec = importlib.util.spec_from_file_location("eks_shop_image_build", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_image(target: Path) -> None:
    """The 800-package image."""
    builder = load_builder()
    debian = [
        (f"lib{n:03d}-{half}", f"{n % 7}.{n % 13}.{n % 5}-{1 + n % 3}", f"src{n // 2:03d}")
        for n in range(OS_PACKAGES)
        for half in ("bin",)
    ]
    base = {
        "etc/os-release": builder.OS_RELEASE.encode(),
        "var/lib/dpkg/status": builder.dpkg_status(debian).encode(),
    }
    app: dict[str, bytes] = {}
    for n in range(PYTHON_PACKAGES):
        app.update(builder.dist_info(f"pkg{n:03d}", f"{n % 5}.{n % 11}.{n % 3}"))
    builder.write_docker_archive(target, [base, app], "bench/large:1.0")


def generated_advisories(total: int) -> list[Advisory]:
    """``total`` advisories: about a tenth on the image's packages, the rest elsewhere."""
    generator = random.Random(7)  # noqa: S311 - reproducible data, not secrets
    debian_names = [f"src{n:03d}" for n in range(OS_PACKAGES // 2)] + [
        f"other-src{n}" for n in range(EXTRA_NAMES)
    ]
    python_names = [f"pkg{n:03d}" for n in range(PYTHON_PACKAGES)] + [
        f"other-pkg{n}" for n in range(EXTRA_NAMES)
    ]
    advisories = []
    for number in range(total):
        debian = number < total * DEBIAN_SHARE
        names = debian_names if debian else python_names
        # One advisory in ten lands on a package of the image, as in a real database.
        on_image = generator.random() < 0.1
        image_names = OS_PACKAGES // 2 if debian else PYTHON_PACKAGES
        name = names[generator.randrange(image_names)] if on_image else generator.choice(names)
        major, minor = generator.randrange(7), generator.randrange(13)
        if debian:
            fixed = f"{major}.{minor}.{generator.randrange(5)}-{1 + generator.randrange(3)}+deb12u1"
            events = [("introduced", "0")] + ([("fixed", fixed)] if number % 10 else [])
            entry = AffectedPackage(
                "Debian", "12", name, ranges=(_range(events),), severity=(CVSS,)
            )
            identifier = f"CVE-2030-{number:06d}"
        else:
            introduced = f"{major}.0.0"
            fixed = f"{major}.{minor}.{generator.randrange(3)}"
            versions = tuple(f"{major}.{m}.{p}" for m in range(minor) for p in range(3))
            entry = AffectedPackage(
                "PyPI",
                "",
                name,
                ranges=(_range([("introduced", introduced), ("fixed", fixed)]),),
                versions=versions,
            )
            identifier = f"PYSEC-2030-{number}"
        advisories.append(
            Advisory(
                identifier,
                aliases=(f"CVE-2031-{number:06d}",),
                summary=f"generated advisory {number}",
                severity=(CVSS,),
                affected=(entry,),
                origin="debian-tracker" if debian else "osv",
            )
        )
    return advisories


def _range(events: list[tuple[str, str]]) -> AffectedRange:
    return AffectedRange(
        RangeType.ECOSYSTEM, tuple(RangeEvent(EventKind(kind), v) for kind, v in events)
    )


def build_database(path: Path, total: int) -> float:
    """Store ``total`` generated advisories; the seconds it took."""
    started = time.perf_counter()
    with AdvisoryDatabase(path) as database, database.transaction():
        for advisory in generated_advisories(total):
            database.store(advisory)
        database.record_source(SourceStatus("generated", "file", utc_now(), total, 0))
    return time.perf_counter() - started


def cli_runs(image: Path, database: Path, runs: int) -> list[float]:
    """Wall time of ``kubeguard image scan`` in a fresh process, pinned to one core."""
    kubeguard = Path(sys.executable).with_name("kubeguard")
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(
            [
                *pin,
                str(kubeguard),
                "image",
                "scan",
                str(image),
                "--db",
                str(database),
                "--format",
                "json",
                "-o",
                os.devnull,
            ],
            check=False,
        )
        times.append(time.perf_counter() - started)
        if completed.returncode not in (0, 1):
            raise SystemExit(f"kubeguard image scan exited with {completed.returncode}")
    return times


def phases(image: Path, database_path: Path) -> dict[str, float]:
    """Seconds per phase in this process, and what matching did."""
    started = time.perf_counter()
    database = AdvisoryDatabase(database_path, create=False)
    opened = time.perf_counter()
    inventory = read_image(str(image))
    read = time.perf_counter()
    with paused_cyclic_gc():  # as image scans run it
        result = match_image(inventory, database)
    matched = time.perf_counter()
    database.close()
    return {
        "open": opened - started,
        "read": read - opened,
        "match": matched - read,
        "packages": len(inventory.packages),
        "looked_up": result.packages,
        "candidates": result.candidates,
        "findings": len(result.findings),
    }


def main() -> int:
    """Build, measure and print a Markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=int, default=110_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory(prefix="kubeguard-bench-images-") as folder:
        image, database = Path(folder) / "large.tar", Path(folder) / "bench.db"
        build_image(image)
        build_seconds = build_database(database, args.advisories)
        with AdvisoryDatabase(database, create=False) as opened:
            status = opened.status()
        wall = cli_runs(image, database, args.runs)
        measured = [phases(image, database) for _ in range(args.runs)]
        size = database.stat().st_size
    median = {key: statistics.median(m[key] for m in measured) for key in measured[0]}
    print(
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (runs pinned to one)."
    )
    print()
    print(
        f"- database: {status.advisories:,} advisories, {status.affected:,} package entries, "
        f"{size / 2**20:.0f} MiB; built in {build_seconds:.1f} s"
    )
    print(
        f"- image: {int(median['packages'])} packages ({OS_PACKAGES} deb, {PYTHON_PACKAGES} "
        f"Python), {int(median['looked_up'])} looked up"
    )
    print(
        f"- advisory entries evaluated: {int(median['candidates']):,}; findings: "
        f"{int(median['findings']):,}"
    )
    print()
    print("| measure | median | min | max |")
    print("|---|---:|---:|---:|")
    print(
        f"| `kubeguard image scan` wall time, fresh process | {statistics.median(wall):.2f} s "
        f"| {min(wall):.2f} s | {max(wall):.2f} s |"
    )
    for key, label in (("open", "database open"), ("read", "image read"), ("match", "matching")):
        values = [m[key] for m in measured]
        print(
            f"| {label} (in process) | {statistics.median(values) * 1000:.0f} ms "
            f"| {min(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
        )
    rate = median["candidates"] / median["match"]
    print()
    print(
        f"Advisory entries matched per second: {rate:,.0f} "
        f"({int(median['candidates']):,} in {median['match'] * 1000:.0f} ms)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
