"""``kubeguard rbac`` end to end: answers, formats, exit codes and unreadable inputs."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from tests.unit.cli.helpers import line_containing, run_cli, write

CLUSTER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: shop}
rules:
  - {apiGroups: [apps], resources: [deployments], verbs: [create, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-deployer, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: backup}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: backup, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-view, namespace: orders}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: Group, name: developers, apiGroup: rbac.authorization.k8s.io}
"""
DEPLOYER = "system:serviceaccount:ci:deployer"


@pytest.fixture
def cluster(tmp_path: Path) -> str:
    return write(tmp_path, "cluster.yaml", CLUSTER)


def test_who_can_in_a_namespace(capsys: pytest.CaptureFixture[str], cluster: str) -> None:
    outcome = run_cli(capsys, "rbac", "who-can", "create", "deploy", "-n", "shop", cluster)
    assert outcome.code == ExitCode.CLEAN
    assert "Who can create deployments (API group apps) in namespace shop: 1 subject" in outcome.out
    assert (
        "ServiceAccount ci/deployer  namespace shop  RoleBinding shop/ci-deployer → "
        "Role shop/deployer → rules[0]: create,patch,update deployments in apps"
    ) in outcome.out
    assert outcome.err == ""


def test_who_can_json_names_the_binding_and_where_it_is(
    capsys: pytest.CaptureFixture[str], cluster: str
) -> None:
    outcome = run_cli(capsys, "rbac", "who-can", "list", "pods", cluster, "--format", "json")
    document = json.loads(outcome.out)
    assert document["any_namespace"] is True
    (grant,) = document["subjects"]
    assert grant["subject"] == {"kind": "Group", "name": "developers"}
    assert grant["namespace"] == "orders"
    assert grant["binding"]["location"] == {
        "path": cluster,
        # where the RoleBinding (the fifth document) starts
        "line": line_containing(CLUSTER, "apiVersion", occurrence=4),
    }
    assert grant["role"] == {
        "kind": "ClusterRole",
        "namespace": None,
        "name": "view",
        "in_inputs": False,
    }
    assert grant["aggregated_from"] == "ClusterRole system:aggregate-to-view"


def test_who_can_across_all_namespaces_counts_only_clusterrolebindings(
    capsys: pytest.CaptureFixture[str], cluster: str
) -> None:
    anywhere = run_cli(capsys, "rbac", "who-can", "list", "pods", cluster, "-f", "json").json()
    across = run_cli(capsys, "rbac", "who-can", "list", "pods", "-A", cluster, "-f", "json").json()
    assert len(anywhere["subjects"]) == 1
    assert across["subjects"] == []
    assert across["any_namespace"] is False


@pytest.mark.parametrize(
    ("argv", "code", "first_line"),
    [
        (
            [DEPLOYER, "patch", "deployments.apps", "-n", "shop"],
            ExitCode.CLEAN,
            "yes: ServiceAccount ci/deployer may patch deployments (API group apps) in namespace shop",
        ),
        (
            [DEPLOYER, "patch", "deployments", "-n", "orders"],
            ExitCode.FINDINGS,
            "no: ServiceAccount ci/deployer may not patch deployments (API group apps) in namespace orders",
        ),
        (
            ["serviceaccount:shop/backup", "list", "secrets"],
            ExitCode.CLEAN,
            "yes: ServiceAccount shop/backup may list secrets cluster-wide",
        ),
        (
            ["group:system:masters", "delete", "nodes"],
            ExitCode.CLEAN,
            "yes: Group system:masters may delete nodes cluster-wide",
        ),
    ],
)
def test_can_exits_like_kubectl_auth_can_i(
    capsys: pytest.CaptureFixture[str], cluster: str, argv: list[str], code: int, first_line: str
) -> None:
    outcome = run_cli(capsys, "rbac", "can", *argv, cluster)
    assert outcome.code == code
    assert outcome.out.splitlines()[0] == first_line


def test_can_json(capsys: pytest.CaptureFixture[str], cluster: str) -> None:
    outcome = run_cli(
        capsys, "rbac", "can", "user:alice", "get", "secrets", "-n", "shop", cluster, "-f", "json"
    )
    assert outcome.code == ExitCode.FINDINGS
    document = outcome.json()
    assert document["allowed"] is False
    assert document["subject"] == {"kind": "User", "name": "alice"}
    assert document["request"]["namespace"] == "shop"


def test_subject_marks_risks_and_shows_the_escalation(
    capsys: pytest.CaptureFixture[str], cluster: str
) -> None:
    outcome = run_cli(capsys, "rbac", "subject", DEPLOYER, cluster)
    assert outcome.code == ExitCode.CLEAN
    lines = outcome.out.splitlines()
    assert "1 permission, 1 risky (marked !)" in lines
    (row,) = [line for line in lines if line.startswith("!")]
    assert "create pods or workloads (KG-IAM-005)" in row
    assert "Escalation to cluster-admin power in 3 steps:" in lines
    assert "  2. can run as ServiceAccount shop/backup" in lines


def test_subject_json(capsys: pytest.CaptureFixture[str], cluster: str) -> None:
    document = run_cli(capsys, "rbac", "subject", "group:developers", cluster, "-f", "json").json()
    assert document["groups"] == ["developers", "system:authenticated"]
    assert document["escalation"] is None
    assert {p["namespace"] for p in document["permissions"]} == {"orders"}
    assert all(p["risks"] == [] for p in document["permissions"])


def test_paths_exit_1_when_someone_can_escalate(
    capsys: pytest.CaptureFixture[str], cluster: str
) -> None:
    outcome = run_cli(capsys, "rbac", "paths", cluster)
    assert outcome.code == ExitCode.FINDINGS
    assert outcome.out.splitlines()[0] == (
        "1 escalation path to cluster-admin power, shortest first"
    )
    document = run_cli(capsys, "rbac", "paths", cluster, "--format", "json").json()
    (path,) = document["paths"]
    assert path["subject"] == {"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}
    assert path["length"] == 3
    assert [step["target"] for step in path["steps"]] == [
        "any ServiceAccount of namespace shop",
        "ServiceAccount shop/backup",
        "cluster-admin equivalent",
    ]


def test_paths_exit_0_when_nobody_can(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    quiet = write(tmp_path, "quiet.yaml", CLUSTER.split("---\n", 2)[0])
    outcome = run_cli(capsys, "rbac", "paths", quiet)
    assert outcome.code == ExitCode.CLEAN
    assert outcome.out == "No escalation path to cluster-admin power.\n"


def test_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLUSTER.encode())))
    outcome = run_cli(capsys, "rbac", "can", DEPLOYER, "create", "deployments", "-n", "shop", "-")
    assert outcome.code == ExitCode.CLEAN


@pytest.mark.parametrize(
    "argv",
    [
        ["who-can", "get", "pods"],
        ["can", DEPLOYER, "get", "pods"],
        ["subject", DEPLOYER],
        ["paths"],
    ],
)
def test_unreadable_inputs_exit_3_with_one_line_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cluster: str, argv: list[str]
) -> None:
    broken = write(tmp_path, "broken.yaml", "kind: Role\nmetadata: [unclosed\n")
    outcome = run_cli(capsys, "rbac", *argv, cluster, broken, "missing.yaml")
    assert outcome.code == ExitCode.INCOMPLETE
    assert outcome.out == ""
    errors = outcome.err.splitlines()
    assert len(errors) == 2
    assert all(line.startswith("kubeguard: error: ") for line in errors)
    assert any("broken.yaml" in line for line in errors)
    assert any("missing.yaml" in line for line in errors)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["who-can", "get", "gadgets"], "unknown resource type 'gadgets'"),
        (["can", "sa:shop", "get", "pods"], "cannot read subject 'sa:shop'"),
        (["subject", "serviceaccount:/x"], "cannot read subject"),
    ],
)
def test_bad_questions_are_usage_errors(
    capsys: pytest.CaptureFixture[str], cluster: str, argv: list[str], message: str
) -> None:
    outcome = run_cli(capsys, "rbac", *argv, cluster)
    assert outcome.code == ExitCode.USAGE
    assert outcome.out == ""
    (line,) = outcome.err.splitlines()
    assert line.startswith("kubeguard: error: ")
    assert message in line


def test_paths_are_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "rbac", "paths").code == ExitCode.USAGE
