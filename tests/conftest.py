"""Shared test helpers: where the shared corpus lives, and how to find it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The shared corpus sits beside the checkout (``../shared/corpus``).
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_dir(*parts: str) -> Path:
    """A folder of the shared corpus, skipping the test with a clear reason if it is absent."""
    folder = CORPUS.joinpath(*parts)
    if not folder.is_dir():
        pytest.skip(f"shared corpus folder {folder} is absent")
    return folder
