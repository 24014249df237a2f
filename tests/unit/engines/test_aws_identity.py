"""Whether a workload calls AWS, and with which identity, is judged from its manifest only."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture.aws_identity import aws_usage, irsa_role_of, own_credentials
from kubeguard.engines.posture.eks_addons import KUBE_SYSTEM_COMPONENTS, kube_system_component
from kubeguard.engines.posture.ownership import application_of, controller_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Inventory, K8sObject, SourceLocation


def _pod(
    container: dict[str, Any], name: str = "p", namespace: str = "shop", **meta: Any
) -> WorkloadView:
    manifest = {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, **meta},
        "spec": {"serviceAccountName": "app", "containers": [{"name": "c", **container}]},
    }
    view = WorkloadView.of(K8sObject(manifest, SourceLocation("t.yaml")))
    assert view is not None
    return view


@pytest.mark.parametrize(
    ("container", "reason"),
    [
        ({"image": "public.ecr.aws/karpenter/controller:1.0.0"}, "its image"),
        ({"image": "amazon/aws-cli"}, "its image"),
        (
            {"image": "x", "env": [{"name": "AWS_ENDPOINT_URL_S3", "value": "http://minio"}]},
            "AWS_ENDPOINT_URL_S3",
        ),
        ({"image": "x", "command": ["sh", "-c", "set -e; aws sts get-caller-identity"]}, "AWS CLI"),
        ({"image": "x", "args": ["--provider", "aws"]}, "AWS provider"),
    ],
)
def test_aws_callers_are_recognised(container: dict[str, Any], reason: str) -> None:
    usage = aws_usage(_pod(container))
    assert usage is not None
    assert reason in usage.reason


@pytest.mark.parametrize(
    "container",
    [
        {"image": "registry.example.com/team/controller:1.0"},
        {"image": "x", "command": ["echo", "aws is great"]},
        {"image": "x", "env": [{"name": "AWS_VPC_K8S_CNI_LOGLEVEL", "value": "DEBUG"}]},
        {"image": "x", "env": "AWS_REGION=eu-west-1", "args": "s3://not-a-list"},
        {"image": 42},
    ],
)
def test_other_containers_are_not_taken_for_aws_callers(container: dict[str, Any]) -> None:
    assert aws_usage(_pod(container)) is None


def test_identity_comes_from_the_service_account_or_the_environment() -> None:
    account = {
        "kind": "ServiceAccount",
        "metadata": {
            "name": "app",
            "namespace": "shop",
            "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app"},
        },
    }
    with_role = Inventory([K8sObject(account, SourceLocation("sa.yaml"))])
    pod = _pod({"image": "amazon/aws-cli"})
    assert "IRSA role" in (own_credentials(pod, with_role) or "")
    assert own_credentials(pod, Inventory()) is None
    keys = _pod({"image": "x", "env": [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": {}}]})
    assert "static AWS keys" in (own_credentials(keys, Inventory()) or "")
    assert irsa_role_of({"metadata": {"annotations": {"eks.amazonaws.com/role-arn": "  "}}}) is None
    assert irsa_role_of({"metadata": "broken"}) is None


def test_kube_system_components_by_name_label_or_generated_name() -> None:
    assert kube_system_component(
        _pod({}, name="coredns", namespace="kube-system"), KUBE_SYSTEM_COMPONENTS
    )
    assert kube_system_component(
        _pod({}, name="coredns-5d78c9869d-x7k2p", namespace="kube-system"), KUBE_SYSTEM_COMPONENTS
    )
    assert kube_system_component(
        _pod(
            {},
            name="lbc",
            namespace="kube-system",
            labels={"app.kubernetes.io/name": "aws-load-balancer-controller"},
        ),
        KUBE_SYSTEM_COMPONENTS,
    )
    assert not kube_system_component(
        _pod({}, name="coredns-custom-build", namespace="kube-system"), KUBE_SYSTEM_COMPONENTS
    )
    assert not kube_system_component(
        _pod({}, name="coredns", namespace="dns"), KUBE_SYSTEM_COMPONENTS
    )


def test_owners_and_applications() -> None:
    owned = _pod({}, ownerReferences=[{"kind": "ReplicaSet", "name": "rs", "controller": True}])
    assert controller_of(owned.obj) == ("ReplicaSet", "rs")
    assert controller_of(_pod({}, ownerReferences=[{"kind": "X", "name": "y"}]).obj) is None
    assert controller_of(_pod({}, ownerReferences="broken").obj) is None
    assert (
        application_of(_pod({}, labels={"app": "a", "app.kubernetes.io/part-of": "suite"}))
        == "suite"
    )
    assert application_of(_pod({}, name="lonely")) == "Pod/lonely"
