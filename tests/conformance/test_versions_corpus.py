"""Every version-ordering vector of the shared corpus agrees with kubeguard's comparators.

The corpus (``versions/*.tsv``, described in its SOURCES.md) holds rows ``a<TAB>b<TAB>sign``
transcribed from the test suites of dpkg, rpm, apk-tools, packaging, node-semver, golang/mod and
Maven, each re-checked against the real implementation; ``apk-valid.tsv`` holds
``version<TAB>1|0`` validity rows instead. Each file is one test, and its assertion lists every
row that disagrees, both for ``compare`` and for the order of the parsed keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kubeguard.engines.vulns.versions import VersionScheme, apk, dpkg
from kubeguard.engines.vulns.versions.base import SortKey
from tests.conftest import corpus_dir

Comparator = tuple[Callable[[str, str], int], Callable[[str], SortKey]]


def _lenient_dpkg_key(text: str) -> SortKey:
    return dpkg.sort_key(text, lenient=True)


def _lenient_dpkg_compare(a: str, b: str) -> int:
    return dpkg.compare(a, b, lenient=True)


def _scheme(scheme: VersionScheme) -> Comparator:
    return scheme.compare, scheme.sort_key


#: Each comparison file and the comparator that must reproduce it.
COMPARISON_FILES: dict[str, Comparator] = {
    "dpkg.tsv": _scheme(VersionScheme.DPKG),
    "dpkg-lenient.tsv": (_lenient_dpkg_compare, _lenient_dpkg_key),
    "rpm.tsv": _scheme(VersionScheme.RPM),
    "rpm-oddities.tsv": _scheme(VersionScheme.RPM),
    "apk.tsv": _scheme(VersionScheme.APK),
    "pep440.tsv": _scheme(VersionScheme.PEP440),
    "semver.tsv": _scheme(VersionScheme.SEMVER),
    "semver-node-loose.tsv": _scheme(VersionScheme.NPM),
    "go-semver.tsv": _scheme(VersionScheme.GO),
    "go-pseudo.tsv": _scheme(VersionScheme.GO),
    "maven.tsv": _scheme(VersionScheme.MAVEN),
}
VALIDITY_FILES: dict[str, Callable[[str], bool]] = {"apk-valid.tsv": apk.is_valid}


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Line number and tab-separated fields of each row; fields keep their spaces."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line:
            yield number, line.split("\t")


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def test_every_corpus_file_is_covered() -> None:
    present = {path.name for path in corpus_dir("versions").glob("*.tsv")}
    assert present == set(COMPARISON_FILES) | set(VALIDITY_FILES)


@pytest.mark.parametrize("name", sorted(COMPARISON_FILES))
def test_comparison_vectors(name: str) -> None:
    compare, sort_key = COMPARISON_FILES[name]
    disagreements: list[str] = []
    rows = 0
    for number, (a, b, expected_text) in read_rows(corpus_dir("versions") / name):
        rows += 1
        expected = int(expected_text)
        try:
            by_compare = _sign(compare(a, b))
            key_a, key_b = sort_key(a), sort_key(b)
            by_keys = 1 if key_a > key_b else -1 if key_a < key_b else 0
        except Exception as error:
            disagreements.append(f"{name}:{number}: {a!r} vs {b!r}: raised {error!r}")
            continue
        if by_compare != expected or by_keys != expected:
            disagreements.append(
                f"{name}:{number}: {a!r} vs {b!r}: expected {expected}, compare {by_compare}, keys {by_keys}"
            )
    assert rows > 0
    assert not disagreements, f"{len(disagreements)} of {rows} rows disagree:\n" + "\n".join(
        disagreements
    )


@pytest.mark.parametrize("name", sorted(VALIDITY_FILES))
def test_validity_vectors(name: str) -> None:
    is_valid = VALIDITY_FILES[name]
    disagreements = [
        f"{name}:{number}: {version!r}: expected {'valid' if expected == '1' else 'invalid'}"
        for number, (version, expected) in read_rows(corpus_dir("versions") / name)
        if is_valid(version) != (expected == "1")
    ]
    assert not disagreements, "\n".join(disagreements)
