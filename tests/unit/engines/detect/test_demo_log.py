"""The bundled example's audit log tells its attack story, and nothing else."""

from __future__ import annotations

from kubeguard.detect import detect_files
from kubeguard.model import IngestionCounts
from tests.conftest import ROOT

DEMO_LOG = ROOT / "examples" / "eks-shop" / "audit.log"
ATTACKER = "shop-deployer:ci-7f3a"


def test_the_demo_log_yields_the_story() -> None:
    result = detect_files([str(DEMO_LOG)])
    assert result.ingestion == IngestionCounts(inputs=1, events=238)
    assert not result.incomplete
    found = sorted(
        (
            f.detection.finding_type,
            f.detection.actor.username or "",
            f.resource.name if f.resource else "",
        )
        for f in result.findings
        if f.detection is not None
    )
    assert found == sorted(
        [
            ("Policy:Kubernetes/AnonymousAccessGranted", "platform-admin:jane", "status-page-read"),
            ("Discovery:Kubernetes/SuccessfulAnonymousAccess", "system:anonymous", "*"),
            ("Discovery:Kubernetes/SuccessfulAnonymousAccess", "system:anonymous", "*"),
            ("Discovery:Kubernetes/SuccessfulAnonymousAccess", "system:anonymous", "*"),
            (
                "CredentialAccess:Kubernetes/SecretReadAttemptedAndRefused",
                "system:anonymous",
                "orders-db",
            ),
            ("PrivilegeEscalation:Kubernetes/PrivilegedContainer", ATTACKER, "node-debugger"),
            ("Persistence:Kubernetes/ContainerWithSensitiveMount", ATTACKER, "node-debugger"),
            (
                "PrivilegeEscalation:Kubernetes/WorkloadSharingTheNodeSProcessNamespace",
                ATTACKER,
                "node-debugger",
            ),
            ("Execution:Kubernetes/ExecInKubeSystemPod", ATTACKER, "aws-node-k8x2q"),
            ("Policy:Kubernetes/AdminAccessToDefaultServiceAccount", ATTACKER, "default-admin"),
            (
                "Persistence:Kubernetes/ClusterRoleBindingCreated",
                "platform-admin:jane",
                "status-page-read",
            ),
            ("Persistence:Kubernetes/ClusterRoleBindingCreated", ATTACKER, "default-admin"),
            (
                "InitialAccess:Kubernetes/RequestByAUserOutsideTheKnownUsers",
                "platform-admin:jane",
                "status-page-read",
            ),
            (
                "InitialAccess:Kubernetes/RequestByAUserOutsideTheKnownUsers",
                ATTACKER,
                "node-debugger",
            ),
        ]
    )
    exec_finding = next(
        f
        for f in result.findings
        if f.detection and f.detection.finding_type.endswith("ExecInKubeSystemPod")
    )
    assert exec_finding.detection is not None
    assert exec_finding.detection.action.verb == "get", "EKS logs kubectl exec as get"
    assert exec_finding.detection.count == 1, "its two stages are one request"
    assert exec_finding.detection.actor.source_ips == ("45.155.205.233",)
