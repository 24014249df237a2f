"""The bundled example shows the identity, data and tenancy layers, without showing its secret."""

from __future__ import annotations

from kubeguard.model import Status
from kubeguard.report import OutputFormat, ReportOptions, render
from kubeguard.scan import scan_manifests
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "eks-shop"
EXAMPLE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105 - AWS doc example


def test_the_example_demonstrates_aws_auth_leaked_keys_and_quotas() -> None:
    result = scan_manifests([str(EXAMPLE)])
    failed = {
        (f.control_id, str(f.resource))
        for f in result.findings
        if f.status == Status.FAIL and f.resource is not None
    }
    assert ("KG-IAM-027", "kube-system/ConfigMap/aws-auth") in failed
    assert ("KG-IAM-041", "kube-system/ConfigMap/aws-auth") in failed
    assert ("KG-IAM-042", "kube-system/ConfigMap/aws-auth") not in failed
    assert ("KG-DATA-011", "shop/ConfigMap/sales-report") in failed
    assert ("KG-MT-001", "Namespace/observability") in failed
    assert ("KG-MT-001", "Namespace/shop") not in failed
    for output_format in OutputFormat:
        report = render(result, output_format, ReportOptions(color=False, show_passed=True))
        assert "AKIAIOSFODNN7EXAMPLE" not in report
        assert EXAMPLE_SECRET_KEY not in report
