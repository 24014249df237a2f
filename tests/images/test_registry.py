"""Images pushed to real registries (anonymous, basic auth, bearer token, ECR token) and read back.

The registries are Debian's docker-registry, started by ``.ci/setup.d/41-image-registries.sh``;
the AWS emulator by ``40-aws-emulator-ecr.sh``. Each test pushes to its own repository.
"""

from __future__ import annotations

import uuid

import pytest

from kubeguard.model import SourceError
from kubeguard.model.image import Platform
from kubeguard.sources.images import Credentials, RegistryOptions, read_image
from kubeguard.sources.images.ecr import ecr_credentials, ecr_registry
from tests.conftest import service_address
from tests.images.builders import (
    Image,
    dpkg_status,
    layer,
    npm_package,
    os_release,
    python_metadata,
)
from tests.images.pusher import Pusher


def shop_image(arch: str = "amd64", marker: str = "openssl") -> Image:
    return Image(
        [
            layer(
                {
                    "etc/os-release": os_release("debian", "12"),
                    "var/lib/dpkg/status": dpkg_status(
                        [(marker, "3.0.11-1~deb12u2", None), ("bash", "5.2.15-2+b2", None)]
                    ),
                }
            ),
            layer(
                {
                    "usr/lib/python3/site-packages/flask-3.0.0.dist-info/METADATA": python_metadata(
                        "flask", "3.0.0"
                    ),
                    "app/node_modules/express/package.json": npm_package("express", "4.18.2"),
                },
                "zstd",
            ),
        ],
        architecture=arch,
    )


def repository() -> str:
    return f"kubeguard-test/{uuid.uuid4().hex[:12]}"


@pytest.fixture
def anonymous() -> str:
    return service_address("KUBEGUARD_TEST_REGISTRY", "anonymous test registry")


def registry_with_user(variable: str, what: str) -> tuple[str, Credentials]:
    """The address of a registry that wants credentials, and its user (``<variable>_USER``/``_PASSWORD``)."""
    address = service_address(variable, what)
    user = service_address(f"{variable}_USER", f"{what} user")
    password = service_address(f"{variable}_PASSWORD", f"{what} password")
    return address, Credentials(user, password)


@pytest.fixture
def basic() -> tuple[str, Credentials]:
    return registry_with_user("KUBEGUARD_TEST_REGISTRY_BASIC", "basic-auth test registry")


@pytest.fixture
def token() -> tuple[str, Credentials]:
    return registry_with_user("KUBEGUARD_TEST_REGISTRY_TOKEN", "token-auth test registry")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> str:
    endpoint = service_address("KUBEGUARD_TEST_AWS_ENDPOINT", "AWS emulator")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return endpoint


def plain(credentials: Credentials | None = None) -> RegistryOptions:
    return RegistryOptions(
        insecure=True, credentials=(lambda host: credentials), timeout=10, retries=0
    )


def push(
    address: str, repo: str, image: Image, tag: str, credentials: Credentials | None = None
) -> str:
    pusher = Pusher(address, repo, credentials)
    try:
        return pusher.image(image, tag)
    finally:
        pusher.close()


def test_anonymous_registry_round_trip(anonymous):
    repo, image = repository(), shop_image()
    digest = push(anonymous, repo, image, "1.4")
    assert digest == image.digest
    inventory = read_image(f"{anonymous}/{repo}:1.4", registry=plain())
    assert inventory.problems == ()
    assert inventory.digest == image.digest
    assert inventory.tags == (f"{anonymous}/{repo}:1.4",)
    assert sorted((p.type.value, p.name) for p in inventory.packages) == [
        ("deb", "bash"),
        ("deb", "openssl"),
        ("npm", "express"),
        ("pypi", "flask"),
    ]
    by_digest = read_image(f"{anonymous}/{repo}@{image.digest}", registry=plain())
    assert by_digest.packages == inventory.packages


def test_multi_arch_index_through_the_registry(anonymous):
    repo = repository()
    amd64, arm64 = shop_image("amd64", "on-amd64"), shop_image("arm64", "on-arm64")
    pusher = Pusher(anonymous, repo)
    try:
        pusher.index([amd64, arm64], "multi")
    finally:
        pusher.close()
    default = read_image(f"{anonymous}/{repo}:multi", registry=plain())
    arm = read_image(
        f"{anonymous}/{repo}:multi", registry=plain(), platform=Platform("linux", "arm64")
    )
    assert "on-amd64" in {p.name for p in default.packages}
    assert "on-arm64" in {p.name for p in arm.packages}
    assert arm.digest == arm64.digest
    with pytest.raises(SourceError, match="no image for platform linux/ppc64le"):
        read_image(
            f"{anonymous}/{repo}:multi", registry=plain(), platform=Platform("linux", "ppc64le")
        )


def test_unknown_tag_and_repository_are_404(anonymous):
    repo = repository()
    push(anonymous, repo, shop_image(), "1.0")
    with pytest.raises(SourceError, match=r"manifest nope: not found \(404\)"):
        read_image(f"{anonymous}/{repo}:nope", registry=plain())
    with pytest.raises(SourceError, match=r"not found \(404\)"):
        read_image(f"{anonymous}/kubeguard-test/never-pushed:1.0", registry=plain())


def test_insecure_is_refused_off_the_loopback_interface():
    with pytest.raises(SourceError, match="allowed only for registries on the loopback interface"):
        read_image("registry.example.com/shop/api:1.4", registry=RegistryOptions(insecure=True))


def test_basic_auth_registry(basic):
    address, credentials = basic
    repo, image = repository(), shop_image()
    push(address, repo, image, "1.4", credentials)
    inventory = read_image(f"{address}/{repo}:1.4", registry=plain(credentials))
    assert inventory.digest == image.digest
    assert len(inventory.packages) == 4
    with pytest.raises(SourceError, match=r"unauthorized \(401\): the registry wants credentials"):
        read_image(f"{address}/{repo}:1.4", registry=plain())
    with pytest.raises(SourceError, match=r"unauthorized \(401\): the credentials were refused"):
        read_image(
            f"{address}/{repo}:1.4", registry=plain(Credentials(credentials.username, "wrong"))
        )


def test_bearer_token_registry(token):
    address, credentials = token
    repo, image = repository(), shop_image()
    push(address, repo, image, "1.4", credentials)
    inventory = read_image(f"{address}/{repo}:1.4", registry=plain(credentials))
    assert inventory.digest == image.digest
    assert sorted(p.name for p in inventory.packages) == ["bash", "express", "flask", "openssl"]
    with pytest.raises(
        SourceError,
        match=r"token service http://127\.0\.0\.1:\d+/token refused the credentials \(401\)",
    ):
        read_image(f"{address}/{repo}:1.4", registry=plain())


def test_ecr_token_from_the_aws_emulator_opens_the_registry(aws, basic):
    """GetAuthorizationToken (boto3 → the emulator) gives the basic credentials the registry takes."""
    address, credentials = basic
    account = service_address("KUBEGUARD_TEST_ECR_ACCOUNT", "ECR account of the test registry")
    repo, image = repository(), shop_image()
    push(address, repo, image, "2024.06.1", credentials)
    ecr = ecr_credentials("us-east-1", account)
    assert ecr.username == "AWS"
    options = RegistryOptions(
        insecure=True, credentials=lambda host: ecr_credentials("us-east-1", account), retries=0
    )
    inventory = read_image(f"{address}/{repo}:2024.06.1", registry=options)
    assert inventory.digest == image.digest


def test_ecr_errors_are_one_line(aws, monkeypatch):
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL", "http://127.0.0.1:9"
    )  # nothing listens on the discard port
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(SourceError, match="ECR GetAuthorizationToken failed"):
        ecr_credentials("us-east-1", "123456789012")


def test_ecr_hosts_are_recognised():
    assert ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com") == (
        "123456789012",
        "eu-west-1",
    )
    assert ecr_registry("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com") == (
        "123456789012",
        "us-gov-west-1",
    )
    assert ecr_registry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn") == (
        "123456789012",
        "cn-north-1",
    )
    assert ecr_registry("public.ecr.aws") is None
    assert ecr_registry("evil.com/123456789012.dkr.ecr.eu-west-1.amazonaws.com") is None
