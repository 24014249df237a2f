"""A scan split over worker processes reports exactly what a sequential scan reports."""

from __future__ import annotations

import pytest

from kubeguard.parallel import can_fork
from kubeguard.scan import ScanOptions, scan_manifests
from tests.conftest import corpus_dir


@pytest.mark.skipif(not can_fork(), reason="fork is not available on this platform")
def test_parallel_scan_equals_sequential_scan() -> None:
    folder = str(corpus_dir("manifests"))
    sequential = scan_manifests([folder], ScanOptions(workers=1))
    parallel = scan_manifests([folder], ScanOptions(workers=3))
    assert parallel.objects == sequential.objects > 1500
    assert len(parallel.findings) == len(sequential.findings)
    assert parallel.findings == sequential.findings
