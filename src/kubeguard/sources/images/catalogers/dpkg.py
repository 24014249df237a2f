"""Debian and Ubuntu packages from dpkg's database.

``/var/lib/dpkg/status`` holds one paragraph per package; distroless images have no dpkg and
write one paragraph file per package under ``/var/lib/dpkg/status.d/`` instead (their
``*.md5sums`` companions are file lists, not packages). Only packages whose ``Status`` ends in
``installed`` count: ``deinstall``/``config-files`` leftovers are not on the system.
``Source: name (version)`` names the source package advisories are filed under.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kubeguard.model.image import PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    decode_text,
    rfc822_paragraphs,
)
from kubeguard.sources.images.catalogers.purls import os_package

STATUS = "/var/lib/dpkg/status"
STATUS_DIR = "/var/lib/dpkg/status.d/"
_SOURCE = re.compile(r"^(?P<name>\S+)(?:\s+\((?P<version>[^)]+)\))?")


def _selects(path: str, mode: int) -> bool:
    return path == STATUS or (
        path.startswith(STATUS_DIR)
        and "/" not in path[len(STATUS_DIR) :]
        and not path.endswith(".md5sums")
    )


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        for fields in rfc822_paragraphs(decode_text(file.data)):
            name, version = fields.get("Package"), fields.get("Version")
            if not name or not version:
                continue
            status = fields.get("Status")
            # status.d paragraphs carry no Status field: their presence means installed.
            if status is not None and status.split()[-1:] != ["installed"]:
                continue
            source_name, source_version = name, None
            match = _SOURCE.match(fields.get("Source", ""))
            if match:
                source_name = match["name"]
                source_version = match["version"]
            yield os_package(
                PackageType.DEB,
                file,
                context,
                name=name,
                version=version,
                arch=fields.get("Architecture"),
                source_name=source_name,
                source_version=source_version,
            )


DPKG = Cataloger(name="dpkg", selects=_selects, catalog=_catalog)
