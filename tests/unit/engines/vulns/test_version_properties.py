"""Each scheme's order is a total order on real versions: the corpus versions, sorted by key.

Sorting every distinct version of a corpus file by its key, every pair of the sorted list must be
in order (which shows the order is transitive) and ``compare`` must agree with the keys on each
neighbouring pair; equal keys must hash alike. Random triples drawn by hypothesis check antisymmetry and
transitivity of ``compare`` on its own.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeguard.engines.vulns.versions import InvalidVersionError, VersionScheme
from tests.conftest import corpus_dir

#: The comparison files of the corpus that each scheme must order.
FILES = {
    VersionScheme.DPKG: ("dpkg.tsv",),
    VersionScheme.RPM: ("rpm.tsv", "rpm-oddities.tsv"),
    VersionScheme.APK: ("apk.tsv",),
    VersionScheme.PEP440: ("pep440.tsv",),
    VersionScheme.SEMVER: ("semver.tsv",),
    VersionScheme.NPM: ("semver-node-loose.tsv", "semver.tsv"),
    VersionScheme.GO: ("go-semver.tsv", "go-pseudo.tsv"),
    VersionScheme.MAVEN: ("maven.tsv",),
}
SCHEMES_WITH_CORPUS = sorted(FILES)


@cache
def corpus_versions(scheme: VersionScheme) -> tuple[str, ...]:
    """Every distinct version the scheme's corpus files mention and the scheme accepts."""
    versions: set[str] = set()
    for name in FILES[scheme]:
        for line in (corpus_dir("versions") / name).read_text(encoding="utf-8").split("\n"):
            if line:
                versions.update(line.split("\t")[:2])
    return tuple(sorted(version for version in versions if _parses(scheme, version)))


def _parses(scheme: VersionScheme, version: str) -> bool:
    try:
        scheme.sort_key(version)
    except InvalidVersionError:
        return False
    return True


@pytest.mark.parametrize("scheme", SCHEMES_WITH_CORPUS)
def test_sorted_by_key_every_pair_is_in_order(scheme: VersionScheme) -> None:
    ordered = sorted(corpus_versions(scheme), key=scheme.sort_key)
    keys = [scheme.sort_key(version) for version in ordered]
    assert len(ordered) > 5
    out_of_order = [
        (ordered[i], ordered[j]) for i, j in combinations(range(len(keys)), 2) if keys[i] > keys[j]
    ]
    assert not out_of_order, out_of_order[:20]
    disagreeing = [
        (a, b)
        for (a, key_a), (b, key_b) in pairwise(zip(ordered, keys, strict=True))
        if scheme.compare(a, b) != (-1 if key_a < key_b else 0)
    ]
    assert not disagreeing, disagreeing[:20]


@pytest.mark.parametrize("scheme", SCHEMES_WITH_CORPUS)
def test_equal_keys_hash_alike(scheme: VersionScheme) -> None:
    by_key: dict[object, list[str]] = {}
    for version in corpus_versions(scheme):
        by_key.setdefault(scheme.sort_key(version), []).append(version)
    for versions in by_key.values():
        assert len({hash(scheme.sort_key(version)) for version in versions}) == 1, versions


@pytest.mark.parametrize("scheme", SCHEMES_WITH_CORPUS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_compare_is_antisymmetric_and_transitive(
    scheme: VersionScheme, data: st.DataObject
) -> None:
    versions = corpus_versions(scheme)
    a, b, c = (data.draw(st.sampled_from(versions)) for _ in range(3))
    assert scheme.compare(a, b) == -scheme.compare(b, a)
    if scheme.compare(a, b) <= 0 and scheme.compare(b, c) <= 0:
        assert scheme.compare(a, c) <= 0
