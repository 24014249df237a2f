"""On the shared manifest corpus, the RBAC controls and queries find what a reader finds by hand.

Each expectation below was checked against the manifest it names: the role's rule, the binding's
subject, and the line the finding points at.
"""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.rbac import Request, Subject, escalation_graph, who_can
from kubeguard.findings import ScanResult
from kubeguard.model import Finding, Inventory, Layer, Status
from kubeguard.scan import ScanOptions, read_inputs, scan_manifests
from tests.conftest import corpus_dir
from tests.unit.engines.rbac.objects import RBAC_CONTROLS

INGRESS_NGINX = "ingress-nginx/deploy/static/provider/aws/deploy.yaml"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_manifests(
        [str(corpus_dir("manifests"))], ScanOptions(layers=(Layer.IAM, Layer.DATA))
    )


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    loaded = read_inputs([str(corpus_dir("manifests"))])
    assert not loaded.errors
    return loaded.inventory


def _finding(result: ScanResult, control: str, kind: str, name: str, path: str) -> Finding:
    (finding,) = [
        f
        for f in result.findings
        if f.control_id == control
        and f.status == Status.FAIL
        and f.resource is not None
        and (f.resource.kind, f.resource.name) == (kind, name)
        and f.location is not None
        and f.location.path.endswith(path)
    ]
    return finding


def test_rbac_controls_run_cleanly_and_find_something(result: ScanResult) -> None:
    ours = [f for f in result.findings if f.control_id in RBAC_CONTROLS]
    assert not [f for f in ours if f.status == Status.ERROR]
    failing = {f.control_id for f in ours if f.status == Status.FAIL}
    assert {"KG-IAM-004", "KG-IAM-022", "KG-IAM-029", "KG-IAM-030"} <= failing


def test_ingress_nginx_reads_every_secret_of_the_cluster(result: ScanResult) -> None:
    # ClusterRole ingress-nginx rules[0]: list, watch on configmaps … secrets; bound cluster-wide.
    finding = _finding(result, "KG-IAM-004", "ClusterRoleBinding", "ingress-nginx", INGRESS_NGINX)
    assert finding.message == (
        "ServiceAccount ingress-nginx/ingress-nginx can read Secrets cluster-wide through "
        "ClusterRole ingress-nginx (rules[0]: list,watch "
        "configmaps,endpoints,namespaces,nodes,pods,secrets)"
    )
    assert finding.location is not None
    assert finding.location.line == 294  # roleRef


def test_prometheus_operator_holds_every_verb_on_secrets(result: ScanResult) -> None:
    finding = _finding(
        result,
        "KG-IAM-004",
        "ClusterRoleBinding",
        "prometheus-operator",
        "kube-prometheus/manifests/prometheusOperator-clusterRoleBinding.yaml",
    )
    assert "(rules[2]: * configmaps,secrets)" in finding.message


def test_argo_cd_application_controller_is_cluster_admin(result: ScanResult) -> None:
    finding = _finding(
        result,
        "KG-IAM-030",
        "ClusterRoleBinding",
        "argocd-application-controller",
        "argo-cd/manifests/install.yaml",
    )
    assert finding.message.startswith(
        "ServiceAccount argocd/argocd-application-controller holds every verb on every resource "
        "cluster-wide through ClusterRole argocd-application-controller"
    )


def test_kube_state_metrics_pods_carry_a_secret_reading_token(result: ScanResult) -> None:
    # The ServiceAccount turns automount off, but the pod template turns it back on.
    finding = _finding(
        result,
        "KG-IAM-022",
        "Deployment",
        "kube-state-metrics",
        "kube-prometheus/manifests/kubeStateMetrics-deployment.yaml",
    )
    assert "ServiceAccount monitoring/kube-state-metrics" in finding.message
    assert "can read every Secret of the cluster" in finding.message


def test_ingress_nginx_admission_job_can_escalate(result: ScanResult) -> None:
    # Role ingress-nginx-admission may create Secrets in its namespace: a token Secret for the
    # controller's account, which lists every Secret of the cluster.
    finding = _finding(
        result, "KG-IAM-029", "RoleBinding", "ingress-nginx-admission", INGRESS_NGINX
    )
    assert finding.message == (
        "ServiceAccount ingress-nginx/ingress-nginx-admission can reach cluster-admin power in 3 "
        "steps: can create Secrets in namespace ingress-nginx (RoleBinding "
        "ingress-nginx/ingress-nginx-admission → Role ingress-nginx/ingress-nginx-admission "
        "rules[0]); can run as ServiceAccount ingress-nginx/ingress-nginx; can read every Secret "
        "of the cluster, ServiceAccount tokens included (ClusterRoleBinding ingress-nginx → "
        "ClusterRole ingress-nginx rules[0])"
    )


def test_a_gke_sample_grants_the_default_account(result: ScanResult) -> None:
    finding = _finding(
        result,
        "KG-IAM-031",
        "ClusterRoleBinding",
        "pod-read-binding",
        "getting-started/inference-pool.yaml",
    )
    assert finding.message.startswith(
        "ServiceAccount default/default is granted ClusterRole pod-read"
    )


def test_dashboard_reads_only_its_own_named_secrets(result: ScanResult) -> None:
    dashboard = [
        f
        for f in result.findings
        if f.control_id in ("KG-IAM-004", "KG-DATA-020")
        and f.location is not None
        and "dashboard/" in f.location.path
    ]
    assert dashboard
    assert {f.status for f in dashboard} == {Status.PASS}


def test_who_can_list_secrets_across_all_namespaces(inventory: Inventory) -> None:
    answer = who_can(inventory, Request("list", "secrets"))
    subjects = {str(s) for s in answer.subjects}
    assert {
        "ServiceAccount ingress-nginx/ingress-nginx",
        "ServiceAccount monitoring/kube-state-metrics",
        "ServiceAccount monitoring/prometheus-operator",
        "ServiceAccount argocd/argocd-application-controller",
    } <= subjects
    assert "ServiceAccount kubernetes-dashboard/kubernetes-dashboard" not in subjects


def test_escalation_paths_are_sorted_and_start_where_bindings_say(inventory: Inventory) -> None:
    paths = escalation_graph(inventory).paths()
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    admission = Subject.service_account("ingress-nginx", "ingress-nginx-admission")
    assert any(p.subject == admission for p in paths)
    for path in paths:
        assert path.steps[0].source == path.subject
        assert any(g.binding is path.binding for g in path.steps[0].grants)
