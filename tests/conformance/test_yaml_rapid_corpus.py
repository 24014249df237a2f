"""Every document of the shared manifest corpus reads the same the fast way and the exact way."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.yaml_documents import split_documents
from tests.conftest import corpus_dir
from tests.unit.test_yaml_rapid import _fast, assert_same_reading


def _manifest_files() -> list[Path]:
    folder = corpus_dir("manifests")
    return sorted(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})


def test_every_corpus_document_reads_the_same_both_ways() -> None:
    files = _manifest_files()
    assert len(files) > 500
    for file in files:
        assert_same_reading(file.read_text(encoding="utf-8-sig"))


def test_the_fast_reading_takes_most_of_the_corpus() -> None:
    """What the equality above covers: the share of the corpus the fast reading takes."""
    taken = total = 0
    for file in _manifest_files():
        for _, chunk in split_documents(file.read_text(encoding="utf-8-sig")):
            if chunk.strip():
                total += len(chunk)
                taken += len(chunk) * (_fast(chunk) is not None)
    assert taken / total == pytest.approx(1, abs=0.1)
