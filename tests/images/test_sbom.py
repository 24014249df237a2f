"""SBOMs validated against the official schemas, loaded from installed packages (no network).

CycloneDX 1.5: the schema files cyclonedx-python-lib ships (``cyclonedx/schema/_res``).
SPDX 2.3: the ``spdx-schema.json`` of the SPDX spec, as lib4sbom ships it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from referencing import Registry, Resource

from kubeguard.model.image import ImageInventory
from kubeguard.report.sbom import SbomFormat, is_spdx_expression, render_sbom
from kubeguard.sources.images import read_image
from tests.images.builders import (
    File,
    Image,
    apk_installed,
    dpkg_status,
    go_binary,
    jar,
    layer,
    npm_package,
    os_release,
    python_metadata,
    rpm_header,
    rpm_sqlite,
    write_layout,
)

CYCLONEDX_SCHEMAS = files("cyclonedx.schema") / "_res"
CYCLONEDX_BASE = "http://cyclonedx.org/schema/"
SPDX_SCHEMA = files("lib4sbom") / "schemas" / "spdx" / "2.3-schema.json"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def cyclonedx_validator() -> jsonschema.Draft7Validator:
    def load(name: str) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads((CYCLONEDX_SCHEMAS / name).read_text(encoding="utf-8"))
        return schema

    schema = load("bom-1.5.SNAPSHOT.schema.json")
    registry: Registry = Registry().with_resources(
        (CYCLONEDX_BASE + name, Resource.from_contents(load(name)))
        for name in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json")
    )
    return jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def spdx_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SPDX_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "SPDX 2.3"
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def errors(validator: jsonschema.Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> ImageInventory:
    folder: Path = tmp_path_factory.mktemp("sbom")
    image = Image(
        [
            layer(
                {
                    "etc/os-release": os_release("amzn", "2023", "Amazon Linux 2023"),
                    "var/lib/dpkg/status": dpkg_status(
                        [("libssl3", "3.0.11-1~deb12u2", "openssl")]
                    ),
                    "lib/apk/db/installed": apk_installed([("musl", "1.2.4-r2", "musl")]),
                    "var/lib/rpm/rpmdb.sqlite": rpm_sqlite(
                        [
                            rpm_header(
                                "openssl-libs",
                                "3.0.8",
                                "1.amzn2023",
                                epoch=1,
                                license="OpenSSL and ASL 2.0",
                                source_rpm="openssl-3.0.8-1.amzn2023.src.rpm",
                            )
                        ]
                    ),
                }
            ),
            layer(
                {
                    "usr/lib/python3/site-packages/Flask-3.0.0.dist-info/METADATA": python_metadata(
                        "Flask", "3.0.0", "BSD-3-Clause"
                    ),
                    "app/node_modules/@types/node/package.json": npm_package(
                        "@types/node", "20.1.0", "MIT"
                    ),
                    "app/server": File(
                        go_binary("go1.21.5", "mod\texample.com/app\tv1.0.0\t\n"), 0o755
                    ),
                    "app/lib/app.jar": jar(
                        {"log4j": ("org.apache.logging.log4j", "log4j-core", "2.14.1")}
                    ),
                }
            ),
        ]
    )
    return read_image(str(write_layout(folder / "layout", [(image, "1.4")])))


def test_the_test_image_has_every_package_type(inventory):
    assert {p.type.value for p in inventory.packages} == {
        "deb",
        "apk",
        "rpm",
        "pypi",
        "npm",
        "golang",
        "maven",
    }


def test_cyclonedx_is_valid_against_the_official_1_5_schema(inventory):
    document = json.loads(render_sbom(inventory, SbomFormat.CYCLONEDX, now=NOW))
    assert errors(cyclonedx_validator(), document) == []
    assert document["specVersion"] == "1.5"
    assert document["metadata"]["timestamp"] == "2026-06-01T12:00:00Z"
    image = document["metadata"]["component"]
    assert (image["type"], image["version"]) == ("container", inventory.digest)
    libraries = [c for c in document["components"] if c["type"] == "library"]
    assert sorted(c["purl"] for c in libraries) == sorted(p.purl for p in inventory.packages)
    operating_system = next(c for c in document["components"] if c["type"] == "operating-system")
    assert (operating_system["name"], operating_system["version"]) == ("amzn", "2023")
    log4j = next(c for c in libraries if c["name"] == "org.apache.logging.log4j:log4j-core")
    properties = {p["name"]: p["value"] for p in log4j["properties"]}
    assert properties["kubeguard:layer"] == inventory.layers[1].digest
    assert properties["kubeguard:path"].startswith("/app/lib/app.jar!/META-INF/maven/")
    assert document["dependencies"][0]["dependsOn"] == [
        c["bom-ref"] for c in document["components"]
    ]
    assert len({c["bom-ref"] for c in document["components"]}) == len(document["components"])


def test_spdx_is_valid_against_the_official_2_3_schema(inventory):
    document = json.loads(render_sbom(inventory, SbomFormat.SPDX, now=NOW))
    assert errors(spdx_validator(), document) == []
    assert document["spdxVersion"] == "SPDX-2.3"
    packages = {p["SPDXID"]: p for p in document["packages"]}
    assert packages["SPDXRef-Image"]["primaryPackagePurpose"] == "CONTAINER"
    purls = sorted(
        ref["referenceLocator"]
        for p in document["packages"]
        for ref in p.get("externalRefs", [])
        if ref["referenceType"] == "purl"
    )
    assert purls == sorted(p.purl for p in inventory.packages)
    contained = {
        r["relatedSpdxElement"]
        for r in document["relationships"]
        if r["relationshipType"] == "CONTAINS"
    }
    assert contained == set(packages) - {"SPDXRef-Image"}
    by_name = {p["name"]: p for p in document["packages"]}
    assert by_name["Flask"]["licenseDeclared"] == "BSD-3-Clause"
    # rpm's free-text license is not an SPDX expression: kept as a comment, not declared.
    assert by_name["openssl-libs"]["licenseDeclared"] == "NOASSERTION"
    assert by_name["openssl-libs"]["licenseComments"] == "declared: OpenSSL and ASL 2.0"
    assert len(set(packages)) == len(document["packages"])


def test_the_validators_do_reject_broken_documents(inventory):
    cyclonedx = json.loads(render_sbom(inventory, SbomFormat.CYCLONEDX, now=NOW))
    cyclonedx["components"][0]["type"] = "spaceship"
    assert errors(cyclonedx_validator(), cyclonedx)
    spdx = json.loads(render_sbom(inventory, SbomFormat.SPDX, now=NOW))
    del spdx["packages"][1]["downloadLocation"]
    spdx["relationships"][0]["relationshipType"] = "LIKES"
    assert len(errors(spdx_validator(), spdx)) == 2


def test_documents_of_different_images_or_times_get_different_ids(inventory):
    first = json.loads(render_sbom(inventory, SbomFormat.SPDX, now=NOW))
    later = json.loads(
        render_sbom(inventory, SbomFormat.SPDX, now=datetime(2026, 6, 2, tzinfo=UTC))
    )
    assert first["documentNamespace"] != later["documentNamespace"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT", True),
        ("MIT OR Apache-2.0", True),
        ("(MIT AND BSD-3-Clause)", True),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
        ("GPLv2+", False),
        ("ASL 2.0", False),
        ("BSD", False),
        ("", False),
    ],
)
def test_spdx_expressions_are_recognised(text, expected):
    assert is_spdx_expression(text) is expected
