"""Image references: registry, repository, tag and digest as the container runtime reads them."""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.image_ref import (
    ImageRef,
    default_pull_policy,
    in_registry,
    parse_image,
)

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("nginx", "docker.io", "library/nginx", None, None),
        ("nginx:1.27", "docker.io", "library/nginx", "1.27", None),
        ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None),
        ("docker.io/nginx", "docker.io", "library/nginx", None, None),
        ("index.docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", None),
        ("localhost:5000/app", "localhost:5000", "app", None, None),
        ("localhost:5000/team/app:2.0", "localhost:5000", "team/app", "2.0", None),
        ("localhost/app", "localhost", "app", None, None),
        ("[::1]:5000/app:v1", "[::1]:5000", "app", "v1", None),
        ("Registry.Example.com/app", "registry.example.com", "app", None, None),
        (f"nginx@{DIGEST}", "docker.io", "library/nginx", None, DIGEST),
        (f"nginx:1.27@{DIGEST}", "docker.io", "library/nginx", "1.27", DIGEST),
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:2024.06.1",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "shop/orders",
            "2024.06.1",
            None,
        ),
        ("registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", None),
        ("quay.io/a__b/c-d.e_f:x", "quay.io", "a__b/c-d.e_f", "x", None),
    ],
)
def test_parses_references(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    assert parse_image(text) == ImageRef(registry, repository, tag, digest)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " nginx",
        "nginx ",
        "nginx:",
        "nginx@",
        "nginx@sha256:short",
        "nginx@sha256:" + "g" * 64,
        "Nginx",
        "team/App:1",
        "nginx:-bad",
        "nginx:" + "t" * 129,
        "registry.example.com/",
        "registry.example.com//app",
        "-registry.example.com/app",
        f"a@{DIGEST}@{DIGEST}",
        "nginx:1.0:2.0",
    ],
)
def test_rejects_invalid_references(text: str) -> None:
    assert parse_image(text) is None


def test_string_form_is_normalised() -> None:
    ref = parse_image(f"Index.Docker.io/nginx:1.27@{DIGEST}")
    assert str(ref) == f"docker.io/library/nginx:1.27@{DIGEST}"
    assert ref is not None
    assert ref.name == "docker.io/library/nginx"


@pytest.mark.parametrize(
    ("text", "pulled"),
    [
        ("nginx", "latest"),
        ("nginx:latest", "latest"),
        ("nginx:1.27", "1.27"),
        (f"nginx@{DIGEST}", None),
        (f"nginx:latest@{DIGEST}", "latest"),
        ("localhost:5000/app", "latest"),
    ],
)
def test_pulled_tag(text: str, pulled: str | None) -> None:
    ref = parse_image(text)
    assert ref is not None
    assert ref.pulled_tag == pulled


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("localhost:5000/app", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/app:1.0", "IfNotPresent"),
        (f"nginx@{DIGEST}", "IfNotPresent"),
        (f"nginx:latest@{DIGEST}", "Always"),
        ("not a reference", "IfNotPresent"),
        (None, "IfNotPresent"),
    ],
)
def test_default_pull_policy(image: str | None, policy: str) -> None:
    assert default_pull_policy(image) == policy


@pytest.mark.parametrize(
    ("image", "prefix", "inside"),
    [
        ("nginx:1.27", "docker.io", True),
        ("nginx:1.27", "docker.io/library", True),
        ("nginx:1.27", "index.docker.io/library/", True),
        ("nginx:1.27", "docker.io/library/nginx", True),
        ("nginx:1.27", "docker.io/library/ngin", False),
        ("bitnami/redis", "docker.io/library", False),
        ("registry.example.com/team/app", "registry.example.com/team", True),
        ("registry.example.com/teamx/app", "registry.example.com/team", False),
        ("registry.example.com:5000/team/app", "registry.example.com", False),
        ("Registry.Example.com/team/app", "registry.example.com", True),
        ("registry.example.com/team/app", "REGISTRY.example.com/team", True),
        ("registry.example.com.evil.io/app", "registry.example.com", False),
        ("registry.example.com/app", "", False),
        ("registry.example.com/app", "/", False),
    ],
)
def test_in_registry(image: str, prefix: str, inside: bool) -> None:
    ref = parse_image(image)
    assert ref is not None
    assert in_registry(ref, prefix) is inside
