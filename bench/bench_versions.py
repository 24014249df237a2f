"""Speed of the version comparators: keys parsed and comparisons made per second, per scheme.

The vulnerability matcher compares installed versions against advisory bounds millions of
times, so it parses each version once into its key and compares keys. This measures both on
the distinct versions of the shared corpus (``../shared/corpus/versions``; RubyGems, which has
no corpus file, on a generated list), plus ``compare`` on strings, which parses both sides each
time. Results are printed as a Markdown table.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_versions.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kubeguard.engines.vulns.versions import InvalidVersionError, SortKey, VersionScheme

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "versions"
FILES = {
    VersionScheme.DPKG: ("dpkg.tsv",),
    VersionScheme.RPM: ("rpm.tsv", "rpm-oddities.tsv"),
    VersionScheme.APK: ("apk.tsv",),
    VersionScheme.PEP440: ("pep440.tsv",),
    VersionScheme.SEMVER: ("semver.tsv",),
    VersionScheme.NPM: ("semver-node-loose.tsv",),
    VersionScheme.GO: ("go-semver.tsv", "go-pseudo.tsv"),
    VersionScheme.MAVEN: ("maven.tsv",),
}
PAIRS = 200_000
SECONDS = 0.5


def versions_of(scheme: VersionScheme) -> list[str]:
    """Distinct versions the scheme accepts, from its corpus files or generated."""
    if scheme not in FILES:
        generator = random.Random(1)  # noqa: S311 - reproducible sampling, not secrets
        return [
            ".".join(str(generator.randint(0, 20)) for _ in range(generator.randint(1, 4)))
            + generator.choice(["", "", ".rc1", ".beta.2", "-pre"])
            for _ in range(300)
        ]
    found: set[str] = set()
    for name in FILES[scheme]:
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            found.update(line.split("\t")[:2])
    accepted = []
    for version in sorted(found):
        try:
            scheme.sort_key(version)
        except InvalidVersionError:
            continue
        accepted.append(version)
    return accepted


def rate(work: Callable[[], int]) -> float:
    """Operations per second of ``work`` (which returns how many it did), best of three."""
    best = 0.0
    for _ in range(3):
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            done += work()
        best = max(best, done / (time.perf_counter() - started))
    return best


def parse_all(sort_key: Callable[[str], SortKey], versions: list[str]) -> int:
    """Parse every version once."""
    for version in versions:
        sort_key(version)
    return len(versions)


def compare_keys(key_pairs: list[tuple[SortKey, SortKey]]) -> int:
    """Compare parsed keys, as the matcher does."""
    for a, b in key_pairs:
        if a < b:
            pass
    return len(key_pairs)


def compare_strings(compare: Callable[[str, str], int], pairs: list[tuple[str, str]]) -> int:
    """Compare strings, parsing both sides every time."""
    for a, b in pairs:
        compare(a, b)
    return len(pairs)


def main() -> None:
    """Print one row per scheme."""
    print("| scheme | versions | keys parsed/s | key comparisons/s | compare(str, str)/s |")
    print("|---|---:|---:|---:|---:|")
    for scheme in VersionScheme:
        versions = versions_of(scheme)
        sample = random.Random(0)  # noqa: S311 - reproducible sampling, not secrets
        keys = [scheme.sort_key(version) for version in versions]
        key_pairs = [(sample.choice(keys), sample.choice(keys)) for _ in range(PAIRS)]
        pairs = [(sample.choice(versions), sample.choice(versions)) for _ in range(5_000)]
        parsed = rate(partial(parse_all, scheme.sort_key, versions))
        compared = rate(partial(compare_keys, key_pairs))
        compared_strings = rate(partial(compare_strings, scheme.compare, pairs))
        print(
            f"| {scheme} | {len(versions)} | {parsed:,.0f} | {compared:,.0f} | {compared_strings:,.0f} |"
        )


if __name__ == "__main__":
    main()
