"""The network layer on the shared manifest corpus: no crash, and findings checked by hand.

The corpus holds 18 NetworkPolicies (kube-prometheus 8, Argo CD 7, GKE samples 3); each
expectation below was read off the manifest it names.
"""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.netpol import network_of, reach, resolve, security_groups_of
from kubeguard.engines.posture.netpol.ports import Protocol
from kubeguard.findings import ScanResult
from kubeguard.model import Layer, Status
from kubeguard.scan import ScanOptions, read_inputs, scan_manifests
from tests.conftest import corpus_dir


@pytest.fixture(scope="module")
def result() -> ScanResult:
    folder = corpus_dir("manifests")
    return scan_manifests([str(folder)], ScanOptions(layers=(Layer.NETWORK, Layer.TENANCY)))


def _messages(result: ScanResult, control: str, name: str) -> list[str]:
    return [
        f.message
        for f in result.findings
        if f.control_id == control
        and f.status is Status.FAIL
        and f.resource is not None
        and f.resource.name == name
    ]


def test_every_network_policy_is_judged_without_errors(result: ScanResult) -> None:
    judged = {
        f.resource.name
        for f in result.findings
        if f.control_id == "KG-NET-019" and f.resource is not None
    }
    assert len(judged) == 18
    assert not [f for f in result.findings if f.status is Status.ERROR and f.layer is not None]


def test_node_exporter_policy_selects_only_host_network_pods(result: ScanResult) -> None:
    # kube-prometheus nodeExporter-daemonset.yaml runs with hostNetwork: true.
    assert _messages(result, "KG-NET-013", "node-exporter") == [
        "podSelector matches only host-network pods, which NetworkPolicy does not isolate"
    ]


def test_policies_for_operator_managed_pods_select_nothing_in_plain_manifests(
    result: ScanResult,
) -> None:
    # Alertmanager and Prometheus pods come from custom resources the operator turns into
    # StatefulSets; the manifests hold no workload with those labels.
    for name in ("alertmanager-main", "prometheus-k8s"):
        assert _messages(result, "KG-NET-013", name) == [
            "podSelector matches no pod or workload in namespace 'monitoring'"
        ]


def test_argocd_server_policy_admits_every_source(result: ScanResult) -> None:
    # argo-cd install.yaml: argocd-server-network-policy has ingress: [{}].
    assert _messages(result, "KG-NET-014", "argocd-server-network-policy") == [
        "spec.ingress[0] allows every source (no from) on all ports"
    ]


def test_kube_prometheus_egress_rules_allow_the_metadata_service(result: ScanResult) -> None:
    # Every kube-prometheus policy carries egress: [{}].
    assert _messages(result, "KG-NET-015", "grafana") == [
        "spec.egress[0] allows the instance metadata service: no `to`, so every destination "
        "including 169.254.169.254"
    ]


def test_agent_sandbox_allows_the_metadata_server_on_purpose(result: ScanResult) -> None:
    # gke-samples fqdn-egress.yaml allows 169.254.169.254/32 on TCP 80 for the GCS FUSE sidecar.
    assert _messages(result, "KG-NET-015", "claude-agent-worker-default-deny") == [
        "spec.egress[1] allows the instance metadata service: ipBlock 169.254.169.254/32 "
        "contains 169.254.169.254"
    ]


def test_dns_rule_without_destinations_is_open_to_every_destination(result: ScanResult) -> None:
    # gke-samples foo-allow-to-hello.yaml: the DNS rule lists ports but no `to`.
    assert _messages(result, "KG-NET-014", "foo-allow-to-hello") == [
        "spec.egress[1] allows every destination (no to) on TCP/53, UDP/53"
    ]


def test_argocd_redis_admits_only_the_listed_components() -> None:
    inventory = read_inputs([str(corpus_dir("manifests"))]).inventory
    network = network_of(inventory)

    def allowed(source: str) -> bool:
        return reach(
            network,
            security_groups_of(inventory),
            resolve(network, f"default/Deployment/{source}"),
            resolve(network, "default/Deployment/argocd-redis"),
            6379,
            Protocol.TCP,
        ).allowed

    assert allowed("argocd-server")
    assert allowed("argocd-repo-server")
    assert not allowed("argocd-dex-server")
