"""Questions as users type them: resource names, subjects, and what a subject holds."""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.rbac import (
    QueryError,
    Request,
    Subject,
    SubjectKind,
    build_request,
    parse_subject,
    permissions_of,
    rbac_index,
)
from tests.unit.engines.rbac.objects import binding, role, rule, scan, subject

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Cluster",
        "names": {
            "plural": "widgets",
            "singular": "widget",
            "kind": "Widget",
            "shortNames": ["wg"],
        },
    },
}


@pytest.mark.parametrize(
    ("resource", "namespace", "api_group", "expected"),
    [
        ("pods", "shop", None, Request("get", "pods", namespace="shop")),
        ("po", "shop", None, Request("get", "pods", namespace="shop")),
        (
            "Deployment",
            "shop",
            None,
            Request("get", "deployments", api_group="apps", namespace="shop"),
        ),
        ("deploy", "shop", None, Request("get", "deployments", api_group="apps", namespace="shop")),
        (
            "deployments.apps",
            "shop",
            None,
            Request("get", "deployments", api_group="apps", namespace="shop"),
        ),
        ("pods/exec", "shop", None, Request("get", "pods", "exec", namespace="shop")),
        ("deployments/scale", "", None, Request("get", "deployments", "scale", "apps")),
        # cluster-scoped: the namespace is dropped, as the API server never sees one
        ("nodes/proxy", "shop", None, Request("get", "nodes", "proxy")),
        (
            "csr",
            "",
            None,
            Request("get", "certificatesigningrequests", api_group="certificates.k8s.io"),
        ),
        # custom resources from the scan's CRDs
        ("wg", "shop", None, Request("get", "widgets", api_group="example.com")),
        (
            "gadgets",
            "shop",
            "example.com",
            Request("get", "gadgets", api_group="example.com", namespace="shop"),
        ),
        ("gadgets.example.com", "", None, Request("get", "gadgets", api_group="example.com")),
        ("*", "shop", None, Request("get", "*", namespace="shop")),
        ("/metrics", "", None, Request("get", path="/metrics")),
    ],
)
def test_build_request(
    resource: str, namespace: str, api_group: str | None, expected: Request
) -> None:
    index = rbac_index(scan(CRD))
    assert (
        build_request(index, "get", resource, namespace=namespace, api_group=api_group) == expected
    )


def test_unknown_resources_must_name_their_group() -> None:
    with pytest.raises(QueryError, match=r"unknown resource type 'gadgets'.*--api-group"):
        build_request(rbac_index(scan()), "get", "gadgets")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "system:serviceaccount:ci:deployer",
            Subject(SubjectKind.SERVICE_ACCOUNT, "deployer", "ci"),
        ),
        ("serviceaccount:ci/deployer", Subject(SubjectKind.SERVICE_ACCOUNT, "deployer", "ci")),
        ("sa:ci:deployer", Subject(SubjectKind.SERVICE_ACCOUNT, "deployer", "ci")),
        ("user:alice", Subject(SubjectKind.USER, "alice")),
        ("User:alice@example.com", Subject(SubjectKind.USER, "alice@example.com")),
        ("group:devs", Subject(SubjectKind.GROUP, "devs")),
        ("group:system:masters", Subject(SubjectKind.GROUP, "system:masters")),
        ("alice", Subject(SubjectKind.USER, "alice")),
        ("system:anonymous", Subject(SubjectKind.USER, "system:anonymous")),
    ],
)
def test_parse_subject(text: str, expected: Subject) -> None:
    assert parse_subject(text) == expected


@pytest.mark.parametrize("text", ["", "sa:ci", "serviceaccount:/x", "  "])
def test_malformed_subjects_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="cannot read subject"):
        parse_subject(text)


def test_permissions_of_marks_risks_and_follows_groups() -> None:
    inventory = scan(
        role("reader", rule("get list", "secrets"), rule("get", "pods")),
        role(
            "approver", rule("update", "certificatesigningrequests/approval", "certificates.k8s.io")
        ),
        binding("readers", "reader", subject("group:system:serviceaccounts:ci"), namespace="ci"),
        binding("approvers", "approver", subject("sa:deployer", "ci")),
    )
    answer = permissions_of(inventory, Subject.service_account("ci", "deployer"))
    described = {
        (held.grant.rule.describe(), str(held.grant.subject), tuple(r.key for r in held.risks))
        for held in answer.permissions
    }
    assert described == {
        ("get,list secrets", "Group system:serviceaccounts:ci", ("read-secrets",)),
        ("get pods", "Group system:serviceaccounts:ci", ()),
        # approval without a signer to approve for is no risk on its own
        (
            "update certificatesigningrequests/approval in certificates.k8s.io",
            "ServiceAccount ci/deployer",
            (),
        ),
    }
    assert answer.escalation is None
    assert not answer.superuser


def test_permissions_of_shows_the_shortest_escalation() -> None:
    inventory = scan(
        role("deployer", rule("create", "pods")),
        role("anything", rule("*", "*", "*")),
        binding("kube", "deployer", subject("user:alice"), namespace="kube-system"),
        binding("shop", "anything", subject("user:alice"), namespace="shop"),
    )
    answer = permissions_of(inventory, Subject.user("alice"))
    assert answer.escalation is not None
    assert [str(step.target) for step in answer.escalation] == [
        "any ServiceAccount of namespace kube-system",
        "cluster-admin equivalent",
    ]
    assert {held.wildcard for held in answer.permissions} == {True, False}
