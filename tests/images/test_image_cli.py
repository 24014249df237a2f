"""``kubeguard image inventory`` and ``kubeguard image sbom`` as users run them."""

from __future__ import annotations

import io
import json
import uuid

import pytest

from tests.conftest import service_address
from tests.images.builders import Image, docker_archive, dpkg_status, layer, npm_package, os_release
from tests.images.pusher import Pusher
from tests.unit.cli.helpers import run_cli

IMAGE = Image(
    [
        layer({"etc/os-release": os_release("debian", "12", "Debian GNU/Linux 12 (bookworm)")}),
        layer(
            {
                "var/lib/dpkg/status": dpkg_status([("libssl3", "3.0.11-1~deb12u2", "openssl")]),
                "app/node_modules/express/package.json": npm_package("express", "4.18.2"),
            }
        ),
    ]
)


@pytest.fixture
def archive(tmp_path):
    return str(docker_archive(tmp_path / "app.tar", IMAGE))


def test_inventory_table(capsys, archive):
    outcome = run_cli(capsys, "image", "inventory", archive)
    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[0] == archive
    assert "  os        Debian GNU/Linux 12 (bookworm)" in lines
    assert "  layers    2" in lines
    rows = [line.split() for line in lines if line.startswith(("deb ", "npm "))]
    assert rows == [
        ["deb", "libssl3", "3.0.11-1~deb12u2", "openssl", "/var/lib/dpkg/status"],
        ["npm", "express", "4.18.2", "/app/node_modules/express/package.json"],
    ]
    assert "2 packages (1 deb, 1 npm)" in lines
    assert outcome.err == ""


def test_inventory_json_of_several_images_goes_on_after_a_failure(capsys, archive, tmp_path):
    missing = str(tmp_path / "missing.tar")
    outcome = run_cli(capsys, "image", "inventory", missing, archive, "--format", "json")
    assert outcome.code == 3
    document = json.loads(outcome.out)
    assert document[0] == {"source": missing, "error": f"{missing}: no such file or folder"}
    assert [p["name"] for p in document[1]["packages"]] == ["libssl3", "express"]
    assert document[1]["distro"]["id"] == "debian"
    assert outcome.err.splitlines() == [f"kubeguard: error: {missing}: no such file or folder"]


def test_inventory_reports_problems_and_exits_incomplete(capsys, tmp_path):
    broken = Image([layer({"app/node_modules/x/package.json": "{broken"})])
    path = str(docker_archive(tmp_path / "broken.tar", broken))
    outcome = run_cli(capsys, "image", "inventory", path, "-o", str(tmp_path / "out.txt"))
    assert outcome.code == 3
    assert outcome.err.startswith(f"kubeguard: warning: {path}: /app/node_modules/x/package.json")
    assert "problem: " in (tmp_path / "out.txt").read_text()


@pytest.mark.parametrize(
    ("fmt", "key", "value"),
    [("cyclonedx", "bomFormat", "CycloneDX"), ("spdx", "spdxVersion", "SPDX-2.3")],
)
def test_sbom_to_a_file(capsys, archive, tmp_path, fmt, key, value):
    target = tmp_path / f"sbom.{fmt}.json"
    outcome = run_cli(capsys, "image", "sbom", archive, "--format", fmt, "-o", str(target))
    assert (outcome.code, outcome.out, outcome.err) == (0, "", "")
    document = json.loads(target.read_text())
    assert document[key] == value
    assert "pkg:npm/express@4.18.2" in target.read_text()


def test_sbom_of_a_missing_image_is_one_error_line(capsys, tmp_path):
    outcome = run_cli(capsys, "image", "sbom", str(tmp_path / "nope.tar"))
    assert outcome.code == 3
    assert outcome.out == ""
    assert outcome.err == f"kubeguard: error: {tmp_path / 'nope.tar'}: no such file or folder\n"


def test_bad_platform_is_a_usage_error(capsys, archive):
    outcome = run_cli(capsys, "image", "inventory", archive, "--platform", "linux")
    assert outcome.code == 2
    assert "expected os/architecture[/variant]" in outcome.err


def test_password_stdin_needs_a_user(capsys, archive, monkeypatch):
    monkeypatch.delenv("KUBEGUARD_REGISTRY_USERNAME", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("secret\n"))
    outcome = run_cli(capsys, "image", "inventory", archive, "--password-stdin")
    assert outcome.code == 2
    assert "--password-stdin needs --username" in outcome.err


def test_registry_image_with_credentials_from_stdin(capsys, monkeypatch):
    address = service_address("KUBEGUARD_TEST_REGISTRY_BASIC", "basic-auth test registry")
    user = service_address("KUBEGUARD_TEST_REGISTRY_BASIC_USER", "basic-auth test registry user")
    password = service_address(
        "KUBEGUARD_TEST_REGISTRY_BASIC_PASSWORD", "basic-auth test registry password"
    )
    from kubeguard.sources.images import Credentials

    repo = f"kubeguard-test/cli-{uuid.uuid4().hex[:8]}"
    pusher = Pusher(address, repo, Credentials(user, password))
    try:
        pusher.image(IMAGE, "1.4")
    finally:
        pusher.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    reference = f"{address}/{repo}:1.4"
    outcome = run_cli(
        capsys,
        "image",
        "sbom",
        reference,
        "--insecure",
        "--username",
        user,
        "--password-stdin",
        "--format",
        "spdx",
    )
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out)["packages"][0]["versionInfo"] == IMAGE.digest
    denied = run_cli(capsys, "image", "inventory", reference, "--insecure", "--timeout", "5")
    assert denied.code == 3
    assert "unauthorized (401)" in denied.out
