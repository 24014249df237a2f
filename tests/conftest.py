"""Shared test helpers: where the shared corpus lives, and how to find it."""

from __future__ import annotations

import os
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


def service_address(variable: str, what: str) -> str:
    """The address of a test service that ``.ci/setup.d`` started, from ``variable``.

    Outside CI a missing service skips the test with a reason; in CI (``CI=true``) it fails, so
    a broken set-up script can never pass as a run that skipped everything.
    """
    value = os.environ.get(variable)
    if value:
        return value
    message = f"{what} not available: {variable} is unset (see .ci/setup.d/)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
