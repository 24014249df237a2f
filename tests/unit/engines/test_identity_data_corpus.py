"""On the shared manifest corpus, the iam, data and tenancy layers run cleanly and find what a
reader finds by hand."""

from __future__ import annotations

import pytest

from kubeguard.findings import ScanResult
from kubeguard.model import Finding, Layer, Status
from kubeguard.scan import ScanOptions, scan_manifests
from tests.conftest import corpus_dir

LAYERS = (Layer.IAM, Layer.DATA, Layer.TENANCY)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_manifests([str(corpus_dir("manifests"))], ScanOptions(layers=LAYERS))


def _failures(result: ScanResult, control: str, kind: str, name: str, path: str) -> list[Finding]:
    return [
        f
        for f in result.findings
        if f.control_id == control
        and f.status == Status.FAIL
        and f.resource is not None
        and (f.resource.kind, f.resource.name) == (kind, name)
        and f.location is not None
        and f.location.path.endswith(path)
    ]


def test_no_control_fails_on_real_manifests(result: ScanResult) -> None:
    errors = [f for f in result.findings if f.status == Status.ERROR]
    assert not errors, [f.message for f in errors[:5]]
    assert result.objects > 1500


def test_literal_database_password_in_the_java_ee_example(result: ScanResult) -> None:
    # kubernetes/examples _archived/javaee/mysql-pod.yaml sets MYSQL_ROOT_PASSWORD: "supersecret".
    (finding,) = [
        f
        for f in _failures(result, "KG-DATA-007", "Pod", "mysql-pod", "javaee/mysql-pod.yaml")
        if "MYSQL_ROOT_PASSWORD" in f.message
    ]
    assert finding.location is not None
    assert finding.location.line == 20
    assert "[redacted, 11 characters]" in finding.message
    assert "supersecret" not in finding.message


def test_minio_secret_key_written_into_the_deployment(result: ScanResult) -> None:
    findings = _failures(
        result,
        "KG-DATA-007",
        "Deployment",
        "minio-deployment",
        "minio/minio-standalone-deployment.yaml",
    )
    assert sorted(f.message.split(" sets ")[1].split()[0] for f in findings) == [
        "MINIO_ACCESS_KEY",
        "MINIO_SECRET_KEY",
    ]


def test_legacy_token_secret_of_the_inference_gateway_example(result: ScanResult) -> None:
    (finding,) = _failures(
        result,
        "KG-DATA-012",
        "Secret",
        "inference-gateway-sa-metrics-reader-secret",
        "getting-started/metrics-auth.yaml",
    )
    assert "default/inference-gateway-sa-metrics-reader" in finding.message


def test_unencrypted_in_tree_ebs_storage_class(result: ScanResult) -> None:
    (finding,) = _failures(
        result,
        "KG-DATA-002",
        "StorageClass",
        "slow",
        "persistent-volume-provisioning/aws-ebs.yaml",
    )
    assert "kubernetes.io/aws-ebs" in finding.message


def test_node_exporter_on_the_host_network_reaches_the_node_role(result: ScanResult) -> None:
    assert _failures(
        result, "KG-IAM-044", "DaemonSet", "node-exporter", "nodeExporter-daemonset.yaml"
    )


def test_dashboard_and_its_metrics_scraper_share_one_service_account(result: ScanResult) -> None:
    for name, other in [
        ("kubernetes-dashboard", "dashboard-metrics-scraper"),
        ("dashboard-metrics-scraper", "kubernetes-dashboard"),
    ]:
        (finding,) = _failures(
            result, "KG-IAM-012", "Deployment", name, "aio/deploy/recommended.yaml"
        )
        assert f"Deployment/{other}" in finding.message


def test_dashboard_namespace_without_quota_or_limits(result: ScanResult) -> None:
    for control in ("KG-MT-001", "KG-MT-002"):
        assert _failures(
            result, control, "Namespace", "kubernetes-dashboard", "aio/deploy/recommended.yaml"
        )


def test_applications_put_into_kube_system(result: ScanResult) -> None:
    failed = [
        f
        for f in result.findings
        if f.control_id == "KG-MT-004" and f.status == Status.FAIL and f.resource is not None
    ]
    # GKE samples install GPU/NCCL helpers, Hubble UI and a fluentd DaemonSet (four copies of
    # the cost-estimator sample) into kube-system; none of them is an EKS component.
    assert sorted({f.resource.name for f in failed if f.resource is not None}) == [
        "fluentd-elasticsearch",
        "hubble-ui",
        "nccl-rdma-installer",
        "nvidia-container-toolkit-installer",
    ]
    assert sum(1 for f in failed if f.resource and f.resource.name == "fluentd-elasticsearch") == 4


def test_look_alikes_in_real_config_maps_are_not_credentials(result: ScanResult) -> None:
    # nsswitch.conf's "passwd: compat" and Python's token=os.environ[...] are not secrets.
    for name in ("nsswitch", "quantized-model"):
        statuses = {
            f.status
            for f in result.findings
            if f.control_id == "KG-DATA-011" and f.resource is not None and f.resource.name == name
        }
        assert statuses == {Status.PASS}, name
