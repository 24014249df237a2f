"""Every file of the shared audit-event corpus is read, and its findings are exactly these.

Each file is a scenario (Falco's k8s_audit trace files; Elastic's EKS and Kubernetes pipeline
fixtures, malformed shapes included) and runs alone through ``detect_files`` with the built-in
rules. The expected findings were checked one by one against the events; the comment beside each
says why it is right. A finding is written ``(rule file, auditIDs it counts)``; an input problem
``("KG-INPUT-002", "line: reason")``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.detect import detect_files
from kubeguard.engines.detect import load_rules
from kubeguard.findings import ScanResult
from kubeguard.model import IngestionCounts
from tests.conftest import corpus_dir

RULE_SET = load_rules()
STEMS = {rule.id: Path(rule.source.path).stem for rule in RULE_SET.rules}

Expected = set[tuple[str, str]]

EKS = "elastic-integrations/aws-eks_audit-test-eks-audit.jsonl"
FALCO = "falco-trace-files/"
ALICE_REQUESTS = (
    "allowed-secret,forbidden-secret,impersonation,rbac-subjects,pod-request,delete-event"
)
CONFIGMAPS = (
    "9a2bb12c-b9f7-4d34-809c-671e8c7e1e06,7139c58a-6787-4cb2-8fd4-c68c308fc16d,"
    "d222e22f-0947-4af0-853e-c66f6bd0de33,7e93bc59-e3da-4d53-95bc-e3faaf54ffdb,"
    "6beb5311-472e-48ce-80a6-4c6388fc17da,efafb264-39ca-444f-b70e-0180f47f5628"
)
NAMESPACE_FOO = "841d3e6d-90d2-43df-8da4-684738bee3d5"

#: Pods created by replicaset-controller from a ReplicaSet (they carry ownerReferences): the
#: workload rules judge the template a user writes (the Deployment), not each Pod a controller
#: makes from it, so these traces, which hold only the Pod, give no finding. Falco reports the Pod.
OWNED_POD_TRACES = [
    "create_nginx_pod_hostnetwork.jsonl",
    "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.jsonl",
    "create_nginx_pod_privileged.jsonl",
    "create_nginx_pod_privileged_2nd_container.jsonl",
    "create_nginx_pod_sensitive_mount.jsonl",
    "create_nginx_pod_sensitive_mount_2nd_container.jsonl",
    "create_pod_kube_public_namespace.jsonl",
    "create_pod_kube_system_namespace.jsonl",
    # Negatives in Falco's own matrix too: an unprivileged pod, a pod without hostNetwork.
    "create_nginx_pod_nohostnetwork.jsonl",
    "create_nginx_pod_unprivileged.jsonl",
]

EXPECTED: dict[str, Expected] = {
    EKS: {
        # verb is {"unexpected": "object"}: not a usable event, reported with its line.
        ("KG-INPUT-002", "16: verb is an object, not a string; skipped"),
        # alice is an IAM user, neither system:/eks: nor in allowed_k8s_users: one finding for
        # her six requests within the hour.
        ("disallowed_user", ALICE_REQUESTS),
        # get secrets default/app-secret, 200.
        ("secret_get_successful", "allowed-secret"),
        # get secrets prod/db-secret, 403.
        ("secret_get_failed", "forbidden-secret"),
        # create rolebindings default/deployers, 201 (a plain binding to edit: trail entry only).
        ("rolebinding_created", "rbac-subjects"),
        # create pods default/privileged, 201: privileged busybox, hostNetwork, hostPID, no owner.
        ("privileged_container", "pod-request"),
        ("host_network_pod", "pod-request"),
        ("host_pid_pod", "pod-request"),
        # create pods/exec default/debug, 200, outside kube-system.
        ("exec_pod", "pods-exec"),
        # create clusterroles auditor and roles mixed and core, 201: trail entries (get/list only).
        ("clusterrole_created", "rbac-rules"),
        ("role_created", "rbac-core-mixed"),
        ("role_created", "rbac-core-only"),
        # Not reported: "coerced-and-dropped-shapes" (its code is the string "201", so success
        # is unknown, and its containers are an object, not a list); "list-typed-resource-drops-body"
        # and "empty-resource-drops-body" (no resource name to judge a Secret by); "delete-event"
        # by alice (Kubernetes Events deleted count only for anonymous or listed callers).
    },
    # Four events share auditID abcde12345 and stage ResponseComplete (the third one inside an
    # AKS envelope): one is evaluated, three are duplicates. None is suspicious (a service account
    # reading pods, elastic-agent's lease). The GKE entry is not an audit.k8s.io Event.
    "elastic-integrations/kubernetes-audit_logs-test-audit.jsonl": {
        (
            "KG-INPUT-002",
            "4: a GKE Cloud Audit Logs entry, not an audit.k8s.io Event (not supported); skipped",
        ),
    },
    # The AKS envelope holds the event as JSON text: aksService (AKS's own identity, unknown to
    # Falco's list) updating a lease is reported by the Disallowed K8s User rule, as Falco would.
    "elastic-integrations/kubernetes-audit_logs-test-kube-audit.jsonl": {
        ("disallowed_user", "ad26f7bc-f1c6-4097-90f1-e0924e12f257"),
    },
    f"{FALCO}anonymous_creates_namespace_foo.jsonl": {
        # system:anonymous, decision allow, creating a namespace (outside the GuardDuty tactic
        # classes, so Falco's rule reports it).
        ("anonymous_request_allowed", NAMESPACE_FOO),
        ("disallowed_namespace", NAMESPACE_FOO),
        ("namespace_created", NAMESPACE_FOO),
    },
    f"{FALCO}attach_cluster_admin_role.jsonl": {
        # A ClusterRoleBinding to cluster-admin for user minikube.
        ("cluster_admin_binding", "c97244c7-4aec-4714-946a-8204d00ecdca"),
        ("clusterrolebinding_created", "c97244c7-4aec-4714-946a-8204d00ecdca"),
    },
    # create pods/attach, 101.
    f"{FALCO}attach_pod.jsonl": {("exec_pod", "14933b4e-7b09-4964-af09-b7987367e1ba")},
    f"{FALCO}create_cluster_role_pod_exec.jsonl": {
        ("cluster_role_pod_exec", "412a7809-4016-4228-a670-182be4bd18ec"),
        ("clusterrole_created", "412a7809-4016-4228-a670-182be4bd18ec"),
    },
    f"{FALCO}create_cluster_role_wildcard_resources.jsonl": {
        ("cluster_role_wildcard", "d8964c73-0042-4f35-b253-4711092185a1"),
        ("clusterrole_created", "d8964c73-0042-4f35-b253-4711092185a1"),
    },
    f"{FALCO}create_cluster_role_wildcard_verbs.jsonl": {
        # verbs: ["*"] is a wildcard, not one of the named write verbs Falco's write rule lists.
        ("cluster_role_wildcard", "0dc97dd4-aa34-4071-b8cc-e1a1036c9ae9"),
        ("clusterrole_created", "0dc97dd4-aa34-4071-b8cc-e1a1036c9ae9"),
    },
    f"{FALCO}create_cluster_role_write_privileges.jsonl": {
        ("cluster_role_write_privileges", "25cd4bc5-50c9-4ce5-aa9a-b9ab6065929d"),
        ("clusterrole_created", "25cd4bc5-50c9-4ce5-aa9a-b9ab6065929d"),
    },
    f"{FALCO}create_clusterrole.jsonl": {
        ("clusterrole_created", "b8dfba33-a6e6-4f3c-b2cb-d47de1c4e74b")
    },
    f"{FALCO}create_clusterrolebinding.jsonl": {
        # A binding to a reader role: trail entry only.
        ("clusterrolebinding_created", "e040d0ab-473c-442c-9707-88553173e962"),
    },
    f"{FALCO}create_configmap.jsonl": {
        ("configmap_created", "155b887c-c27c-4fdb-9667-999f74512d0a")
    },
    f"{FALCO}create_configmap_no_sensitive_values.jsonl": {
        ("configmap_created", "87bac0ec-53ca-429b-a646-47a7e72ec075"),
    },
    f"{FALCO}create_configmap_sensitive_values.jsonl": {
        # Six creates of default/my-config within 72 s, one credential word each: one finding
        # per rule, counting all six.
        ("configmap_created", CONFIGMAPS),
        ("configmap_private_credentials", CONFIGMAPS),
    },
    f"{FALCO}create_deployment.jsonl": {
        ("deployment_created", "c5be68f4-80b8-4159-adc4-76ddb195334e")
    },
    # A Secret in kube-system: the trail rule leaves kube-system out, as Falco does.
    f"{FALCO}create_kube_system_secret.jsonl": set(),
    **{f"{FALCO}{name}": set() for name in OWNED_POD_TRACES},
    # verb get, not a create: nothing to report.
    f"{FALCO}create_nginx_pod_unsensitive_mount.jsonl": set(),
    f"{FALCO}create_nginx_service_nodeport.jsonl": {
        ("node_port_service", "ceba9ec7-50b5-4bde-8b27-5909df9b35c9"),
        ("service_created", "ceba9ec7-50b5-4bde-8b27-5909df9b35c9"),
    },
    f"{FALCO}create_nginx_service_nonodeport.jsonl": {
        ("service_created", "abcc3bac-bb66-475f-9be9-61afae0e18e3"),
    },
    f"{FALCO}create_secret.jsonl": {("secret_created", "55a81824-ab56-46c5-8b02-96336f5e78d7")},
    f"{FALCO}create_service.jsonl": {("service_created", "75b22022-d079-44e5-90a7-25be235ab235")},
    # The token controller (system:kube-controller-manager) writing a token Secret.
    f"{FALCO}create_service_account_token_secret.jsonl": set(),
    f"{FALCO}create_serviceaccount.jsonl": {
        ("serviceaccount_created", "db4a8c97-3bd2-4ee7-a0d9-b6e367a458e3"),
    },
    f"{FALCO}create_serviceaccount_kube_public_namespace.jsonl": {
        # myacct is not one of the control plane's service accounts.
        ("service_account_in_kube_namespace", "3380c3ae-8bb5-40af-b247-fc0838abfb56"),
        ("serviceaccount_created", "3380c3ae-8bb5-40af-b247-fc0838abfb56"),
    },
    f"{FALCO}create_serviceaccount_kube_system_namespace.jsonl": {
        ("service_account_in_kube_namespace", "6754ae2b-6b72-4405-a773-28e53a74c720"),
        ("serviceaccount_created", "6754ae2b-6b72-4405-a773-28e53a74c720"),
    },
    f"{FALCO}delete_cluster_role_kube_aggregator.jsonl": {
        # system:kube-aggregator deleted by minikube-user (not the API server's reconciliation).
        ("clusterrole_deleted", "5bc4e194-a14b-4ed6-af2c-0583224eb55f"),
        ("system_cluster_role_modified", "5bc4e194-a14b-4ed6-af2c-0583224eb55f"),
    },
    f"{FALCO}delete_clusterrole.jsonl": {
        ("clusterrole_deleted", "452ed910-bbe7-419d-a72d-bcd6e085f5a9")
    },
    f"{FALCO}delete_clusterrolebinding.jsonl": {
        ("clusterrolebinding_deleted", "0a73dc60-697a-4b92-bb6a-a1083e75bc97"),
    },
    f"{FALCO}delete_configmap.jsonl": {
        ("configmap_deleted", "179a9171-e02e-4227-8c41-8b2575f8da7d")
    },
    f"{FALCO}delete_deployment.jsonl": {
        ("deployment_deleted", "8bb19a30-3d68-4fd7-999e-90a9014afac0")
    },
    # Deleted by minikube-user, not by the namespace controller.
    f"{FALCO}delete_namespace_foo.jsonl": {
        ("namespace_deleted", "693f4726-2430-450a-83e1-123c050fde98")
    },
    f"{FALCO}delete_secret.jsonl": {("secret_deleted", "d1df3fa9-497f-49cf-bd48-60a651df8075")},
    f"{FALCO}delete_service.jsonl": {("service_deleted", "e75d04b8-60f8-43b6-9410-d229f4f855e7")},
    f"{FALCO}delete_serviceaccount.jsonl": {
        ("serviceaccount_deleted", "9335a5a0-edc7-4ef0-9177-499c50f3d707"),
    },
    # create pods/exec default/nginx-…, stage ResponseStarted, 101.
    f"{FALCO}exec_pod.jsonl": {("exec_pod", "ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6")},
    # The malformed input of Falco's security audit (FAL-01-003): rejected, not a crash.
    f"{FALCO}fal_01_003.jsonl": {("KG-INPUT-002", "1: kind is 0, not Event; skipped")},
    f"{FALCO}minikube_creates_namespace_foo.jsonl": {
        # minikube-user is an allowed user: no Disallowed K8s User finding (Falco's negative).
        ("disallowed_namespace", "b7e177d2-f462-4f7e-8905-9e0f187e4e92"),
        ("namespace_created", "b7e177d2-f462-4f7e-8905-9e0f187e4e92"),
    },
    # patch of system:node-problem-detector by minikube-user: a change, not a create or delete,
    # so no trail entry.
    f"{FALCO}modify_cluster_role_node_problem_detector.jsonl": {
        ("system_cluster_role_modified", "0eaf743e-1668-4de5-940b-0bb5d79aa4c9"),
    },
    # Exactly Falco's expectations: Disallowed K8s User, Create Disallowed Namespace, K8s
    # Namespace Created.
    f"{FALCO}some-user_creates_namespace_foo.jsonl": {
        ("disallowed_user", NAMESPACE_FOO),
        ("disallowed_namespace", NAMESPACE_FOO),
        ("namespace_created", NAMESPACE_FOO),
    },
}


def findings_of(result: ScanResult) -> Expected:
    found: Expected = set()
    for finding in result.findings:
        if finding.detection is not None:
            found.add((STEMS[finding.control_id], ",".join(finding.detection.audit_ids)))
        else:
            line = finding.location.line if finding.location else None
            found.add((finding.control_id, f"{line}: {finding.message}"))
    return found


def test_every_corpus_file_is_listed() -> None:
    root = corpus_dir("audit")
    files = {str(path.relative_to(root)) for path in root.rglob("*.jsonl")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_on_a_corpus_file(name: str) -> None:
    result = detect_files([str(corpus_dir("audit") / name)], rule_set=RULE_SET)
    assert findings_of(result) == EXPECTED[name]


def test_the_whole_corpus_in_one_run() -> None:
    root = corpus_dir("audit")
    result = detect_files([str(root)], rule_set=RULE_SET)
    # 50 files; the duplicates are the three extra abcde12345 events, the second Pod of
    # f83ecd50-… (two traces of one request) and some-user's namespace, which reuses the
    # auditID of the anonymous one.
    assert result.ingestion == IngestionCounts(
        inputs=50, events=72, duplicates=5, rejected=3, truncated=0
    )
    assert result.incomplete, "rejected lines make the run incomplete"
