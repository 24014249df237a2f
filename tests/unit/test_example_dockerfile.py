"""The bundled example's Dockerfile shows what its README says it shows."""

from __future__ import annotations

from kubeguard.dockerfile_lint import LintOptions, lint_dockerfiles
from kubeguard.model import Status
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "eks-shop" / "Dockerfile"


def test_example_dockerfile_findings() -> None:
    # A hadolint config on this machine must not change what the example shows.
    result = lint_dockerfiles([str(EXAMPLE)], LintOptions(use_hadolint_config=False))
    failing = {
        (f.control_id, f.location.line if f.location else None)
        for f in result.findings
        if f.status == Status.FAIL and f.suppressed_by is None
    }
    assert failing == {
        ("KG-DF-001", 14),  # no USER
        ("KG-DF-013", 16),  # ARG AWS_ACCESS_KEY_ID
        ("KG-DF-013", 17),  # ARG AWS_SECRET_ACCESS_KEY
        ("KG-DF-026", 8),  # curl | python3 -
        ("KG-DF-031", 8),  # ... without pipefail
        ("KG-DF-037", 20),  # apt-get packages without versions
        ("KG-DF-038", 20),  # ... and the lists left in the layer
        ("KG-DF-043", 22),  # pip cache in the layer
        ("KG-DF-010", 24),  # ADD for a local folder
        ("KG-DF-020", 26),  # shell-form CMD
    }
    (suppressed,) = result.suppressed()
    assert suppressed.control_id == "KG-DF-016"
    assert "probes in orders.yaml" in (suppressed.suppressed_by or "")
    assert not result.errors
