"""Software bills of materials for an image: CycloneDX 1.5 and SPDX 2.3, both as JSON.

Each package carries its package URL (the identifier advisories and other tools match on) and,
as properties (CycloneDX) or ``sourceInfo`` (SPDX), the layer and file it was found in. The
image itself is the document's subject: a ``container`` component (CycloneDX) or a package with
purpose ``CONTAINER`` that ``CONTAINS`` every other (SPDX). Licenses that are SPDX expressions
go in the license fields; free text (``GPLv2+``, as rpm writes it) goes in CycloneDX
license names and SPDX ``licenseComments``, since SPDX allows only expressions there.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, assert_never

import orjson

from kubeguard import __version__
from kubeguard.model.image import ImageInventory, Package

CYCLONEDX_VERSION = "1.5"
SPDX_VERSION = "SPDX-2.3"
_NAMESPACE = uuid.UUID("6f1f3b0e-2f51-4d0c-9a3b-6b75c1a5a2e1")
_PROPERTY_PREFIX = "kubeguard:"
_SPDX_ID_CHARS = re.compile(r"[^A-Za-z0-9.-]")
_EXPRESSION_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_OPERATORS = frozenset({"AND", "OR", "WITH"})
#: License ids of the SPDX list that packages commonly declare. A declared license is written as
#: an SPDX expression only when it is built from these; anything else is kept as free text, as a
#: wrong identifier would make the document invalid for SPDX tools.
KNOWN_SPDX_IDS = frozenset(
    [
        "0BSD",
        "AFL-2.1",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "Apache-1.1",
        "Apache-2.0",
        "Artistic-1.0",
        "Artistic-1.0-Perl",
        "Artistic-2.0",
        "BSD-1-Clause",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "BSD-4-Clause",
        "BSL-1.0",
        "BlueOak-1.0.0",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "EPL-1.0",
        "EPL-2.0",
        "GPL-1.0-or-later",
        "GPL-2.0",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "GPL-2.0+",
        "GPL-3.0+",
        "HPND",
        "ISC",
        "LGPL-2.0-only",
        "LGPL-2.0-or-later",
        "LGPL-2.1",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "LGPL-2.1+",
        "MIT",
        "MIT-0",
        "MPL-1.1",
        "MPL-2.0",
        "OpenSSL",
        "PSF-2.0",
        "Python-2.0",
        "Ruby",
        "Unicode-DFS-2016",
        "Unlicense",
        "Vim",
        "W3C",
        "WTFPL",
        "X11",
        "Zlib",
        "ZPL-2.1",
        "curl",
        "Classpath-exception-2.0",
        "LLVM-exception",
        "GCC-exception-3.1",
    ]
)


class SbomFormat(StrEnum):
    """Formats of ``kubeguard image sbom``."""

    CYCLONEDX = "cyclonedx"
    SPDX = "spdx"


def render_sbom(
    inventory: ImageInventory, output_format: SbomFormat, *, now: datetime | None = None
) -> str:
    """The SBOM of ``inventory`` in ``output_format``, as JSON text."""
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    match output_format:
        case SbomFormat.CYCLONEDX:
            document = cyclonedx(inventory, created)
        case SbomFormat.SPDX:
            document = spdx(inventory, created)
        case _:
            assert_never(output_format)
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _document_id(inventory: ImageInventory, created: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{inventory.key}|{created}")


def is_spdx_expression(text: str) -> bool:
    """Whether ``text`` is an SPDX expression over :data:`KNOWN_SPDX_IDS` (with AND/OR/WITH)."""
    tokens = [t for t in _EXPRESSION_TOKEN.findall(text) if t not in "()"]
    return bool(tokens) and all(t in _OPERATORS or t in KNOWN_SPDX_IDS for t in tokens)


# -- CycloneDX ----------------------------------------------------------------------------------


def cyclonedx(inventory: ImageInventory, created: str) -> dict[str, Any]:
    """A CycloneDX 1.5 BOM (https://cyclonedx.org/docs/1.5/json/)."""
    image_ref = "image"
    components: list[dict[str, Any]] = []
    if inventory.distro is not None:
        components.append(
            {
                "type": "operating-system",
                "bom-ref": "os",
                "name": inventory.distro.id,
                "version": inventory.distro.version_id or "",
                "description": inventory.distro.pretty_name or str(inventory.distro),
            }
        )
    components += [
        _cyclonedx_component(number, package) for number, package in enumerate(inventory.packages)
    ]
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": CYCLONEDX_VERSION,
        "serialNumber": f"urn:uuid:{_document_id(inventory, created)}",
        "version": 1,
        "metadata": {
            "timestamp": created,
            "tools": {
                "components": [{"type": "application", "name": "kubeguard", "version": __version__}]
            },
            "component": {
                "type": "container",
                "bom-ref": image_ref,
                "name": inventory.source,
                "version": inventory.digest or inventory.config_digest,
                "properties": [
                    {"name": f"{_PROPERTY_PREFIX}image:id", "value": inventory.config_digest},
                    {"name": f"{_PROPERTY_PREFIX}image:platform", "value": str(inventory.platform)},
                    *(
                        {"name": f"{_PROPERTY_PREFIX}image:layer", "value": layer.digest}
                        for layer in inventory.layers
                    ),
                ],
            },
        },
        "components": components,
        "dependencies": [{"ref": image_ref, "dependsOn": [c["bom-ref"] for c in components]}],
    }


def _cyclonedx_component(number: int, package: Package) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": "library",
        "bom-ref": f"pkg-{number}:{package.purl}",
        "name": package.name,
        "version": package.version,
        "purl": package.purl,
    }
    if package.licenses:
        component["licenses"] = [{"license": {"name": text}} for text in package.licenses]
    properties = [
        ("package:type", package.type.value),
        ("layer", package.layer),
        ("path", package.path),
        ("source:name", package.source_name),
        ("source:version", package.source_version),
    ]
    component["properties"] = [
        {"name": f"{_PROPERTY_PREFIX}{name}", "value": value} for name, value in properties if value
    ]
    return component


# -- SPDX ---------------------------------------------------------------------------------------


def spdx(inventory: ImageInventory, created: str) -> dict[str, Any]:
    """An SPDX 2.3 document (https://spdx.github.io/spdx-spec/v2.3/)."""
    image_id = "SPDXRef-Image"
    packages: list[dict[str, Any]] = [
        {
            "SPDXID": image_id,
            "name": inventory.source,
            "versionInfo": inventory.digest or inventory.config_digest,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "CONTAINER",
            "comment": f"image id {inventory.config_digest}, platform {inventory.platform}",
        }
    ]
    relationships = [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": image_id,
        }
    ]
    if inventory.distro is not None:
        packages.append(
            {
                "SPDXID": "SPDXRef-OperatingSystem",
                "name": inventory.distro.id,
                "versionInfo": inventory.distro.version_id or "NOASSERTION",
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": False,
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": "NOASSERTION",
                "copyrightText": "NOASSERTION",
                "primaryPackagePurpose": "OPERATING_SYSTEM",
            }
        )
        relationships.append(
            {
                "spdxElementId": image_id,
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": "SPDXRef-OperatingSystem",
            }
        )
    for number, package in enumerate(inventory.packages):
        element = (
            f"SPDXRef-Package-{package.type.value}-{number}-{_SPDX_ID_CHARS.sub('-', package.name)}"
        )
        packages.append(_spdx_package(element, package))
        relationships.append(
            {
                "spdxElementId": image_id,
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": element,
            }
        )
    return {
        "spdxVersion": SPDX_VERSION,
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": inventory.source,
        "documentNamespace": f"https://kubeguard.dev/spdxdocs/image/{_document_id(inventory, created)}",
        "creationInfo": {"created": created, "creators": [f"Tool: kubeguard-{__version__}"]},
        "packages": packages,
        "relationships": relationships,
    }


def _spdx_package(element: str, package: Package) -> dict[str, Any]:
    expression = " AND ".join(
        f"({text})" if " " in text and len(package.licenses) > 1 else text
        for text in package.licenses
    )
    declared = (
        expression
        if package.licenses and all(is_spdx_expression(t) for t in package.licenses)
        else None
    )
    entry: dict[str, Any] = {
        "SPDXID": element,
        "name": package.name,
        "versionInfo": package.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared or "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "LIBRARY",
        "externalRefs": [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl,
            }
        ],
        "sourceInfo": f"found in {package.path} of layer {package.layer}",
    }
    if package.licenses and declared is None:
        entry["licenseComments"] = "declared: " + "; ".join(package.licenses)
    if package.source_name and package.source_name != package.name:
        entry["comment"] = f"source package {package.source_name}" + (
            f" {package.source_version}" if package.source_version else ""
        )
    return entry
