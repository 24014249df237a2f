"""Field paths: how rule field names are parsed and read from events of any shape."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.detect.fields import (
    MISSING,
    WILDCARD,
    PathError,
    Values,
    getter,
    parse_field,
)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("verb", ("verb",)),
        ("objectRef.resource", ("objectRef", "resource")),
        (
            "requestObject.spec.containers[*].image",
            ("requestObject", "spec", "containers", WILDCARD, "image"),
        ),
        ("requestObject.subjects[0].name", ("requestObject", "subjects", 0, "name")),
        ('requestObject.data["ca.crt"]', ("requestObject", "data", "ca.crt")),
        (
            "annotations.authorization.k8s.io/decision",
            ("annotations", "authorization.k8s.io/decision"),
        ),
        (
            "user.extra.sigs.k8s.io/aws-iam-authenticator/principalId",
            ("user", "extra", "sigs.k8s.io/aws-iam-authenticator/principalId"),
        ),
        (
            "requestObject.metadata.labels.app.kubernetes.io/name",
            ("requestObject", "metadata", "labels", "app.kubernetes.io/name"),
        ),
    ],
)
def test_field_names_parse_to_paths(text: str, path: tuple[Any, ...]) -> None:
    assert parse_field(text).paths == (path,)


@pytest.mark.parametrize("text", ["", "a..b", "a.", "a[x]", "a[*]b", "[*", 3])
def test_malformed_field_names_are_refused(text: Any) -> None:
    with pytest.raises(PathError):
        parse_field(text)


def test_pod_spec_is_read_where_the_resource_keeps_it() -> None:
    field = parse_field("podSpec.containers[*].image")
    read = getter(field)
    pod = {
        "objectRef": {"resource": "pods"},
        "requestObject": {"spec": {"containers": [{"image": "a"}]}},
    }
    deployment = {
        "objectRef": {"resource": "deployments"},
        "requestObject": {"spec": {"template": {"spec": {"containers": [{"image": "b"}]}}}},
    }
    cronjob = {
        "objectRef": {"resource": "cronjobs"},
        "requestObject": {
            "spec": {
                "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "c"}]}}}}
            }
        },
    }
    custom = {
        "objectRef": {"resource": "rollouts"},
        "requestObject": {"spec": {"template": {"spec": {"containers": [{"image": "d"}]}}}},
    }
    unnamed = {"requestObject": {"spec": {"containers": [{"image": "e"}]}}}
    assert [read(event) for event in (pod, deployment, cronjob, custom, unnamed)] == [
        ["a"],
        ["b"],
        ["c"],
        ["d"],
        ["e"],
    ]
    # A Pod's spec has no template: the deployment's place is not read for it.
    mixed = {"objectRef": {"resource": "pods"}, "requestObject": deployment["requestObject"]}
    assert read(mixed) == []


def test_all_containers_covers_the_three_container_lists() -> None:
    read = getter(parse_field("podSpec.allContainers[*].securityContext.privileged"))
    spec = {
        "containers": [{"securityContext": {"privileged": False}}],
        "initContainers": [{"securityContext": {"privileged": True}}],
        "ephemeralContainers": [{"name": "debugger"}],
    }
    assert read({"objectRef": {"resource": "pods"}, "requestObject": {"spec": spec}}) == [
        False,
        True,
    ]


def test_reading_tolerates_every_wrong_shape() -> None:
    read_ref = getter(parse_field("objectRef.resource"))
    read_images = getter(parse_field("requestObject.spec.containers[*].image"))
    read_first = getter(parse_field("requestObject.subjects[1].name"))
    assert read_ref({"objectRef": "invalid"}) is MISSING
    assert read_ref({"objectRef": {"resource": None}}) is MISSING
    # A mapping where the list of containers belongs holds no containers.
    assert read_images({"requestObject": {"spec": {"containers": {"image": "nginx"}}}}) == []
    assert read_images({"requestObject": ["a", "patch"]}) == []
    assert read_first({"requestObject": {"subjects": [{"name": "only"}]}}) is MISSING
    assert read_first({"requestObject": {"subjects": [{}, {"name": "second"}]}}) == "second"


def test_wildcard_values_are_flattened_and_nulls_dropped() -> None:
    read = getter(parse_field("requestObject.rules[*].verbs"))
    rules = {
        "requestObject": {"rules": [{"verbs": ["get", "list"]}, {"verbs": None}, {"verbs": ["*"]}]}
    }
    values = read(rules)
    assert isinstance(values, Values)
    assert values == ["get", "list", "*"]


def test_an_every_read_marks_items_without_the_field() -> None:
    field = parse_field("podSpec.containers[*].volumeMounts[*].readOnly")
    mounts = {"volumeMounts": [{"readOnly": True}, {"name": "writable"}]}
    event = {"objectRef": {"resource": "pods"}, "requestObject": {"spec": {"containers": [mounts]}}}
    assert getter(field)(event) == [True]
    assert getter(field, every=True)(event) == [True, MISSING]
