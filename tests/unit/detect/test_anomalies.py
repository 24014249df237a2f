"""Behavioural anomalies: a learning window of ordinary traffic, then first-seen sensitive requests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kubeguard.engines.detect.anomaly import (
    ANOMALY_TYPES,
    EXEC_IN_POD,
    PERMISSION_CHECKED,
    PORT_FORWARD,
    PRIVILEGED_WORKLOAD,
    ROLE_BINDING,
    SECRETS_ACCESSED,
    SENSITIVE_MOUNT,
    WORKLOAD,
    AnomalyDetector,
    AnomalySettings,
    client_product,
    image_repository,
    network_of,
)
from kubeguard.model import Finding, Severity
from kubeguard.model.baseline import MAX_KEYS, ClusterBaseline
from tests.unit.detect.events import EPOCH, as_events, audit_event

DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY
AFTER = EPOCH + WEEK + DAY
PYTHON_AGENT = "python-requests/2.31.0"


def pod(image: str, *, privileged: bool = False, host_path: str | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": image}
    spec: dict[str, Any] = {"containers": [container]}
    if privileged:
        container["securityContext"] = {"privileged": True}
    if host_path is not None:
        container["volumeMounts"] = [{"name": "host", "mountPath": "/host"}]
        spec["volumes"] = [{"name": "host", "hostPath": {"path": host_path}}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": spec}


def deployment(image: str) -> dict[str, Any]:
    template = {"spec": pod(image)["spec"]}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": template}}


def ordinary_week() -> list[dict[str, Any]]:
    """A week of what the cluster's people and robots usually do, twice a day."""
    events = []
    for half_day in range(14):
        at = EPOCH + half_day * DAY / 2
        events += [
            audit_event(
                user="alice", verb="get", resource="pods", subresource="exec", name="web-1", at=at
            ),
            audit_event(user="alice", verb="list", resource="pods", namespace="kube-system", at=at),
            audit_event(
                user="bob",
                verb="create",
                resource="rolebindings",
                api_group="rbac.authorization.k8s.io",
                request_object={"roleRef": {"kind": "ClusterRole", "name": "view"}},
                at=at,
            ),
            audit_event(
                user="ci-bot",
                verb="create",
                resource="pods",
                request_object=pod("registry.example/shop/web:1.0"),
                source_ip="10.0.9.9",
                user_agent="argocd/v2.10",
                at=at,
            ),
            audit_event(
                user="system:serviceaccount:kube-system:replicaset-controller",
                verb="create",
                resource="pods",
                namespace="kube-system",
                request_object=pod(
                    "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11"
                ),
                user_agent="kube-controller-manager/v1.30.0",
                source_ip="10.0.0.1",
                at=at,
            ),
        ]
    return events


@pytest.fixture
def trained() -> AnomalyDetector:
    detector = AnomalyDetector(ClusterBaseline("prod", int(WEEK.total_seconds())))
    assert detector.run(as_events(ordinary_week())) == []
    return detector


def raised(detector: AnomalyDetector, **fields: Any) -> list[Finding]:
    fields.setdefault("at", AFTER)
    return detector.feed(as_events([audit_event(**fields)])[0])


def evidence(finding: Finding) -> dict[str, Any]:
    return {item.dotted: item.value for item in finding.evidence}


def finding_type(finding: Finding) -> str:
    assert finding.detection is not None
    return finding.detection.finding_type


def test_nothing_is_reported_while_learning() -> None:
    detector = AnomalyDetector(ClusterBaseline("prod", int(WEEK.total_seconds())))
    sensitive = audit_event(
        user="mallory", verb="create", resource="pods", subresource="exec", namespace="kube-system"
    )
    assert detector.run(as_events([*ordinary_week(), sensitive])) == []
    assert detector.baseline.principals["mallory"].seen.count == 1


def test_usual_behaviour_after_learning_is_quiet(trained: AnomalyDetector) -> None:
    assert raised(trained, user="alice", verb="get", resource="pods", subresource="exec") == []
    assert (
        raised(
            trained,
            user="bob",
            verb="create",
            resource="rolebindings",
            request_object={"roleRef": {"kind": "ClusterRole", "name": "view"}},
        )
        == []
    )


def test_exec_in_a_namespace_never_execed_in_names_what_is_new_and_the_baseline(
    trained: AnomalyDetector,
) -> None:
    (finding,) = raised(
        trained,
        user="alice",
        verb="get",
        resource="pods",
        subresource="exec",
        namespace="kube-system",
        name="aws-node-x",
    )
    assert finding_type(finding) == EXEC_IN_POD.finding_type
    assert finding.control_id == EXEC_IN_POD.control_id
    assert finding.severity is Severity.MEDIUM
    shown = evidence(finding)
    assert shown["anomaly.new"] == ["namespace kube-system for get pods/exec"]
    assert shown["anomaly.action"] == {
        "action": "get pods/exec",
        "count": 14,
        "first_seen": EPOCH.isoformat(),
        "last_seen": (EPOCH + 13 * DAY / 2).isoformat(),
        "namespaces": {"shop": 14},
    }
    assert shown["anomaly.principal"]["count"] == 28
    assert shown["anomaly.user_agents"] == {"kubectl": 28}
    assert shown["anomaly.networks"] == {"10.0.1.0/24": 28}
    assert shown["anomaly.learning"]["cluster"] == "prod"
    assert shown["anomaly.learning"]["since"] == EPOCH.isoformat()
    assert "new: namespace kube-system for get pods/exec" in finding.message


@pytest.mark.parametrize(
    ("fields", "new"),
    [
        ({"source_ip": "203.0.113.5"}, ["source network 203.0.113.0/24"]),
        ({"source_ip": "2001:db8:1:2:3::9"}, ["source network 2001:db8:1:2::/64"]),
        ({"user_agent": PYTHON_AGENT}, ["user agent python-requests"]),
        ({"verb": "create", "subresource": "attach"}, ["action create pods/attach"]),
    ],
)
def test_each_dimension_of_the_baseline_can_be_what_is_new(
    trained: AnomalyDetector, fields: dict[str, Any], new: list[str]
) -> None:
    arguments = {"user": "alice", "verb": "get", "resource": "pods", "subresource": "exec"}
    (finding,) = raised(trained, **{**arguments, **fields})
    assert evidence(finding)["anomaly.new"] == new


def test_the_same_new_behaviour_is_reported_once(trained: AnomalyDetector) -> None:
    arguments = {"user": "alice", "verb": "get", "resource": "pods", "subresource": "exec"}
    first = raised(trained, namespace="payments", **arguments)
    assert len(first) == 1
    assert raised(trained, namespace="payments", stage="ResponseComplete", **arguments) == []


def test_a_failed_request_is_neither_reported_nor_learned(trained: AnomalyDetector) -> None:
    arguments = {
        "user": "alice",
        "verb": "get",
        "resource": "pods",
        "subresource": "exec",
        "namespace": "kube-system",
    }
    assert raised(trained, code=403, **arguments) == []
    assert raised(trained, decision="forbid", code=None, **arguments) == []
    assert len(raised(trained, **arguments)) == 1


def test_a_request_received_stage_is_skipped(trained: AnomalyDetector) -> None:
    arguments = {"user": "mallory", "verb": "get", "resource": "secrets", "code": None}
    assert raised(trained, stage="RequestReceived", **arguments) == []
    assert "mallory" not in trained.baseline.principals


def test_role_binding_by_a_principal_never_seen_binding_admin_is_high(
    trained: AnomalyDetector,
) -> None:
    (finding,) = raised(
        trained,
        user="mallory",
        verb="create",
        resource="clusterrolebindings",
        namespace=None,
        request_object={"roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}},
    )
    assert finding_type(finding) == ROLE_BINDING.finding_type
    assert finding.severity is Severity.HIGH
    shown = evidence(finding)
    assert shown["anomaly.new"] == ["principal mallory (never seen in this cluster)"]
    assert shown["anomaly.roleRef"] == {"kind": "ClusterRole", "name": "cluster-admin"}
    assert "anomaly.principal" not in shown


def test_role_binding_to_an_ordinary_role_in_a_new_namespace_is_medium(
    trained: AnomalyDetector,
) -> None:
    (finding,) = raised(
        trained,
        user="bob",
        verb="create",
        resource="rolebindings",
        namespace="payments",
        request_object={"roleRef": {"kind": "ClusterRole", "name": "edit"}},
    )
    assert finding.severity is Severity.MEDIUM
    assert evidence(finding)["anomaly.new"] == ["namespace payments for create rolebindings"]


def test_workload_in_kube_system_by_a_principal_that_never_deployed_there(
    trained: AnomalyDetector,
) -> None:
    (finding,) = raised(
        trained,
        user="ci-bot",
        verb="create",
        resource="deployments",
        api_group="apps",
        namespace="kube-system",
        request_object=deployment("registry.example/shop/web:2.0"),
        source_ip="10.0.9.9",
        user_agent="argocd/v2.11",
    )
    assert finding_type(finding) == WORKLOAD.finding_type
    assert finding.severity is Severity.LOW
    assert evidence(finding)["anomaly.new"] == ["action create deployments"]
    assert evidence(finding)["anomaly.images"] == ["registry.example/shop/web"]


def test_workload_deployed_outside_system_namespaces_is_not_sensitive(
    trained: AnomalyDetector,
) -> None:
    assert (
        raised(
            trained,
            user="ci-bot",
            verb="create",
            resource="deployments",
            namespace="payments",
            request_object=deployment("registry.example/other:1"),
        )
        == []
    )


def test_privileged_container_with_an_image_never_run_privileged(
    trained: AnomalyDetector,
) -> None:
    (finding,) = raised(
        trained,
        user="ci-bot",
        verb="create",
        resource="pods",
        request_object=pod("registry.example/shop/web:1.0", privileged=True),
        source_ip="10.0.9.9",
        user_agent="argocd/v2.10",
    )
    assert finding_type(finding) == PRIVILEGED_WORKLOAD.finding_type
    assert finding.severity is Severity.HIGH
    assert evidence(finding)["anomaly.new"] == ["privileged image registry.example/shop/web"]


def test_sensitive_host_mount_by_a_new_principal(trained: AnomalyDetector) -> None:
    (finding,) = raised(
        trained,
        user="mallory",
        verb="create",
        resource="pods",
        request_object=pod("docker.io/library/alpine:3", host_path="/var/run/docker.sock/"),
    )
    assert finding_type(finding) == SENSITIVE_MOUNT.finding_type
    assert evidence(finding)["anomaly.host_paths"] == ["/var/run/docker.sock"]
    assert evidence(finding)["anomaly.new"] == [
        "principal mallory (never seen in this cluster)",
        "image docker.io/library/alpine",
    ]


def test_a_host_path_no_container_mounts_is_not_a_sensitive_mount(
    trained: AnomalyDetector,
) -> None:
    body = pod("registry.example/shop/web:1.0", host_path="/etc")
    body["spec"]["containers"][0]["volumeMounts"] = []
    assert raised(trained, user="ci-bot", verb="create", resource="pods", request_object=body) == []


def test_sensitive_paths_come_from_the_rule_library_lists() -> None:
    settings = AnomalySettings.from_lists({"sensitive_host_paths": ("/data",)})
    assert settings.sensitive_host_paths == frozenset({"/data"})
    assert settings.admin_roles == AnomalySettings().admin_roles


@pytest.mark.parametrize(
    ("resource", "spec", "fires"),
    [
        (
            "selfsubjectaccessreviews",
            {"resourceAttributes": {"verb": "create", "resource": "clusterrolebindings"}},
            True,
        ),
        (
            "selfsubjectaccessreviews",
            {"resourceAttributes": {"verb": "get", "resource": "secrets"}},
            True,
        ),
        (
            "selfsubjectaccessreviews",
            {"resourceAttributes": {"verb": "get", "resource": "pods", "subresource": "exec"}},
            True,
        ),
        (
            "selfsubjectaccessreviews",
            {"resourceAttributes": {"verb": "get", "resource": "pods"}},
            False,
        ),
        ("selfsubjectrulesreviews", {"namespace": "shop"}, True),
        ("subjectaccessreviews", None, True),  # not logged: cannot tell, so reported
    ],
)
def test_permission_checks_of_powerful_permissions(
    trained: AnomalyDetector, resource: str, spec: dict[str, Any] | None, fires: bool
) -> None:
    found = raised(
        trained,
        user="alice",
        verb="create",
        resource=resource,
        api_group="authorization.k8s.io",
        namespace=None,
        request_object={"spec": spec} if spec is not None else None,
    )
    assert [finding_type(item) for item in found] == (
        [PERMISSION_CHECKED.finding_type] if fires else []
    )


def test_secrets_read_by_a_principal_that_never_read_them(trained: AnomalyDetector) -> None:
    (finding,) = raised(trained, user="alice", verb="list", resource="secrets")
    assert finding_type(finding) == SECRETS_ACCESSED.finding_type
    assert evidence(finding)["anomaly.actions"] == {"get pods/exec": 14, "list pods": 14}


def test_port_forward(trained: AnomalyDetector) -> None:
    (finding,) = raised(
        trained, user="alice", verb="create", resource="pods", subresource="portforward"
    )
    assert finding_type(finding) == PORT_FORWARD.finding_type


def test_new_but_not_sensitive_behaviour_is_only_learned(trained: AnomalyDetector) -> None:
    assert raised(trained, user="mallory", verb="list", resource="configmaps") == []
    assert trained.baseline.principals["mallory"].actions["list configmaps"].seen.count == 1


def test_full_tables_stop_learning_and_report_nothing_new_for_that_kind() -> None:
    detector = AnomalyDetector(ClusterBaseline("prod", 0))
    events = [
        audit_event(user="bot", verb="list", resource="pods", source_ip=f"10.{n >> 8}.{n & 255}.1")
        for n in range(MAX_KEYS + 5)
    ]
    detector.run(as_events(events))
    assert len(detector.baseline.principals["bot"].networks) == MAX_KEYS
    (finding,) = raised(detector, user="bot", verb="get", resource="secrets", source_ip="192.0.2.1")
    assert evidence(finding)["anomaly.new"] == ["action get secrets"]


@pytest.mark.parametrize(
    "document",
    [
        {"user": "alice"},
        {"user": {"username": 7}},
        {"sourceIPs": "10.0.0.1", "userAgent": ["x"], "objectRef": "pods"},
        {"sourceIPs": [{"ip": "10.0.0.1"}], "objectRef": {"resource": ["secrets"]}},
        {"requestReceivedTimestamp": "yesterday"},
        {"responseStatus": {"code": "500"}, "annotations": []},
        {
            "objectRef": {"resource": "pods", "namespace": "kube-system"},
            "verb": "create",
            "requestObject": {"spec": {"containers": "x", "volumes": [7, {"hostPath": "/"}]}},
        },
        {
            "objectRef": {"resource": "rolebindings"},
            "verb": "create",
            "requestObject": {"roleRef": ["cluster-admin"]},
        },
        {
            "objectRef": {"resource": "selfsubjectaccessreviews"},
            "verb": "create",
            "requestObject": {"spec": {"resourceAttributes": {"verb": 3}}},
        },
    ],
)
def test_wrong_types_never_raise(trained: AnomalyDetector, document: dict[str, Any]) -> None:
    event = {**audit_event(user="mallory", at=AFTER), **document}
    for _ in range(2):  # the second time through the shortcut for repeats
        for finding in trained.feed(as_events([event])[0]):
            assert finding.detection is not None


def test_every_type_has_a_distinct_id_and_guardduty_style_name() -> None:
    ids = {kind.control_id for kind in ANOMALY_TYPES}
    assert len(ids) == len(ANOMALY_TYPES)
    assert set(AnomalyDetector.rules()) == ids
    assert all(":Kubernetes/AnomalousBehavior." in kind.finding_type for kind in ANOMALY_TYPES)


def test_reductions() -> None:
    assert client_product("kubectl/v1.30.2 (linux/amd64) kubernetes/3968350") == "kubectl"
    assert client_product("Python-Requests/2.31") == "python-requests"
    assert network_of("198.51.100.77") == "198.51.100.0/24"
    assert network_of("2001:db8:a:b:c:d:e:f") == "2001:db8:a:b::/64"
    assert network_of("::ffff:198.51.100.77") == "198.51.100.0/24"
    assert network_of("not an address") == ""
    assert (
        image_repository("registry.example:5000/app:1.2@sha256:abc") == "registry.example:5000/app"
    )
    assert image_repository("registry.example:5000/app") == "registry.example:5000/app"
    assert image_repository("alpine") == "alpine"
