"""``image scan``, ``image rescan`` and ``scan --images`` from the command line."""

import json
from collections.abc import Sequence
from typing import Any

import orjson
import pytest

from kubeguard.cli.main import main
from tests.images.builders import Image, docker_archive, dpkg_status, layer, os_release

TAG = "shop/api:1.4"


def osv(
    record_id: str,
    name: str,
    fixed: str | None,
    *,
    aliases: Sequence[str] = (),
    ecosystem: str = "PyPI",
    severity: str | None = None,
) -> dict[str, Any]:
    events = [{"introduced": "0"}] + ([{"fixed": fixed}] if fixed else [])
    document: dict[str, Any] = {
        "id": record_id,
        "aliases": list(aliases),
        "summary": f"{record_id} in {name}",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
    }
    if severity:
        document["severity"] = [{"type": "CVSS_V3", "score": severity}]
    return document


def dist_info(name: str, version: str) -> dict[str, str]:
    folder = f"usr/lib/python3/site-packages/{name}-{version}.dist-info"
    return {f"{folder}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"}


@pytest.fixture
def setup(tmp_path):
    image = Image(
        [
            layer(
                {
                    "etc/os-release": os_release("debian", "12"),
                    "var/lib/dpkg/status": dpkg_status(
                        [("libssl3", "3.0.11-1~deb12u1", "openssl"), ("bash", "5.2.15-2+b2", None)]
                    ),
                }
            ),
            layer({**dist_info("urllib3", "1.26.15"), **dist_info("requests", "2.28.1")}),
        ]
    )
    archive = docker_archive(tmp_path / "api.tar", image, tags=(TAG,))
    advisories = tmp_path / "advisories"
    advisories.mkdir()
    records = [
        osv(
            "PYSEC-2023-192",
            "urllib3",
            "1.26.17",
            aliases=["CVE-2023-43804"],
            severity="CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N",
        ),
        osv("PYSEC-2023-74", "requests", "2.31.0", aliases=["CVE-2023-32681"]),
        osv("DEBIAN-OPENSSL-1", "openssl", None, ecosystem="Debian:12", aliases=["CVE-2099-1"]),
        osv("DEBIAN-BASH-1", "bash", "5.2.15-2", ecosystem="Debian:12"),  # already fixed
    ]
    for document in records:
        (advisories / f"{document['id']}.json").write_text(json.dumps(document))
    database = tmp_path / "v.db"
    assert main(["db", "import", str(advisories), "--db", str(database)]) == 0
    return archive, database, tmp_path


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["image", "scan", *args, "--format", "json", "--show-suppressed"])
    return code, orjson.loads(capsys.readouterr().out)


def failing(document: Any) -> dict[str, Any]:
    return {
        f["control_id"]: f
        for f in document["findings"]
        if f["status"] == "fail" and not f["suppressed_by"]
    }


def test_scan_reports_each_vulnerable_package(setup, capsys):
    archive, database, _ = setup
    code, document = scan_json(capsys, str(archive), "--db", str(database))
    assert code == 1
    found = failing(document)
    assert set(found) == {"PYSEC-2023-192", "PYSEC-2023-74", "DEBIAN-OPENSSL-1"}
    urllib3 = found["PYSEC-2023-192"]
    assert urllib3["severity"] == "high"
    assert urllib3["layer"] == "image"
    assert urllib3["resource"] == {
        "api_version": "",
        "kind": "Image",
        "namespace": None,
        "name": TAG,
    }
    evidence = {item["path"]: item["value"] for item in urllib3["evidence"]}
    assert evidence["package.installed"] == "1.26.15"
    assert evidence["package.fixed"] == "1.26.17"
    assert evidence["severity.score"] == 8.1
    assert evidence["vulnerability.aliases"] == ["CVE-2023-43804"]
    assert found["DEBIAN-OPENSSL-1"]["location"]["path"] == "/var/lib/dpkg/status"
    assert "no fix available" in found["DEBIAN-OPENSSL-1"]["message"]


def test_fail_on_and_ignore_unfixed(setup, capsys):
    archive, database, _ = setup
    assert (
        main(["image", "scan", str(archive), "--db", str(database), "--fail-on", "critical"]) == 0
    )
    capsys.readouterr()
    code, document = scan_json(capsys, str(archive), "--db", str(database), "--ignore-unfixed")
    assert code == 1
    assert set(failing(document)) == {"PYSEC-2023-192", "PYSEC-2023-74"}
    suppressed = [f for f in document["findings"] if f["suppressed_by"]]
    assert [f["control_id"] for f in suppressed] == ["DEBIAN-OPENSSL-1"]
    assert "--ignore-unfixed" in suppressed[0]["suppressed_by"]
    assert document["summary"]["counts"]["suppressed"] == 1


def test_vex_not_affected_suppresses_and_a_later_affected_revives(setup, capsys):
    archive, database, tmp_path = setup
    vex = tmp_path / "api.openvex.json"
    statement = {
        "vulnerability": {"name": "CVE-2023-32681"},
        "products": [{"@id": "pkg:pypi/requests@2.28.1"}],
        "status": "not_affected",
        "justification": "vulnerable_code_not_in_execute_path",
        "timestamp": "2026-01-01T00:00:00Z",
    }
    vex.write_text(
        json.dumps({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [statement]})
    )
    _, document = scan_json(capsys, str(archive), "--db", str(database), "--vex", str(vex))
    assert "PYSEC-2023-74" not in failing(document)
    (suppressed,) = [f for f in document["findings"] if f["suppressed_by"]]
    assert suppressed["suppressed_by"].endswith(
        "not_affected (vulnerable_code_not_in_execute_path)"
    )

    later = {**statement, "status": "affected", "timestamp": "2026-02-01T00:00:00Z"}
    vex.write_text(json.dumps({"statements": [later, statement]}))
    _, document = scan_json(capsys, str(archive), "--db", str(database), "--vex", str(vex))
    assert "PYSEC-2023-74" in failing(document)


def test_config_exceptions_name_aliases(setup, capsys):
    archive, database, tmp_path = setup
    config = tmp_path / "kubeguard.yaml"
    config.write_text(
        "exceptions:\n  - controls: [CVE-2023-43804]\n    kinds: [Image]\n    reason: accepted until the upgrade\n"
    )
    _, document = scan_json(capsys, str(archive), "--db", str(database), "--config", str(config))
    assert "PYSEC-2023-192" not in failing(document)
    assert document["summary"]["counts"]["suppressed"] == 1


def test_rescan_matches_kept_inventories_without_the_image(setup, capsys):
    archive, database, tmp_path = setup
    assert main(["image", "scan", str(archive), "--db", str(database)]) == 1
    archive.unlink()
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "bash.json").write_text(
        json.dumps(osv("DEBIAN-BASH-2", "bash", "5.2.15-3", ecosystem="Debian:12"))
    )
    assert main(["db", "import", str(newer), "--db", str(database)]) == 0
    capsys.readouterr()
    assert main(["image", "rescan", "--db", str(database), "--format", "json"]) == 1
    document = orjson.loads(capsys.readouterr().out)
    assert "DEBIAN-BASH-2" in failing(document)
    assert failing(document)["DEBIAN-BASH-2"]["resource"]["name"] == TAG
    assert document["summary"]["objects"] == 1


def test_unreadable_images_are_errors_and_the_others_are_scanned(setup, capsys):
    archive, database, tmp_path = setup
    missing = str(tmp_path / "gone.tar")
    code, document = scan_json(capsys, missing, str(archive), "--db", str(database))
    assert code == 3
    errors = [f for f in document["findings"] if f["status"] == "error"]
    assert [(e["control_id"], e["resource"]["name"]) for e in errors] == [("KG-INPUT-003", missing)]
    assert "PYSEC-2023-192" in failing(document)


def test_scan_images_of_the_workloads(setup, tmp_path, capsys):
    archive, database, _ = setup
    manifests = tmp_path / "k8s"
    manifests.mkdir()
    (manifests / "api.yaml").write_text(
        f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
  template:
    spec:
      containers:
        - name: api
          image: {archive}
        - name: sidecar
          image: 127.0.0.1:9/nowhere/sidecar:1.0
"""
    )
    config = tmp_path / "kubeguard.yaml"
    config.write_text(f"vulnerability_db:\n  path: {database}\n")
    code = main(["scan", str(manifests), "--images", "--config", str(config), "--format", "json"])
    document = orjson.loads(capsys.readouterr().out)
    assert code == 3
    errors = [f for f in document["findings"] if f["status"] == "error"]
    assert [e["resource"]["name"] for e in errors] == ["127.0.0.1:9/nowhere/sidecar:1.0"]
    layers = {f["layer"] for f in document["findings"] if f["status"] == "fail"}
    assert {"image", "pod"} <= layers
    assert "PYSEC-2023-192" in failing(document)
