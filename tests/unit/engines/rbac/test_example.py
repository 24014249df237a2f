"""The bundled example shows the RBAC findings its README promises."""

from __future__ import annotations

from kubeguard.model import Status
from kubeguard.scan import scan_manifests
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "eks-shop"


def test_the_example_demonstrates_rbac_risks_and_an_escalation_path() -> None:
    result = scan_manifests([str(EXAMPLE)])
    failed = sorted(
        (f.control_id, str(f.resource), f.message.split(" can ")[0])
        for f in result.findings
        if f.status == Status.FAIL
        and f.location is not None
        and f.location.path.endswith("rbac.yaml")
    )
    assert failed == [
        ("KG-IAM-004", "ClusterRoleBinding/secret-sync", "ServiceAccount shop/secret-sync"),
        ("KG-IAM-005", "shop/RoleBinding/deployers", "Group shop-deployers"),
        ("KG-IAM-005", "shop/RoleBinding/deployers", "ServiceAccount ci/deployer"),
        ("KG-IAM-029", "shop/RoleBinding/deployers", "Group shop-deployers"),
        ("KG-IAM-029", "shop/RoleBinding/deployers", "ServiceAccount ci/deployer"),
        (
            "KG-IAM-031",
            "default/RoleBinding/ledger-config",
            "ServiceAccount default/default is granted Role default/ledger-config in namespace "
            "default: every pod of namespace default that names no ServiceAccount holds it",
        ),
    ]
