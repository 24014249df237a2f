"""Alpine (and Wolfi) packages from apk's installed database.

``/lib/apk/db/installed`` (``/usr/lib/apk/db/installed`` on newer layouts) is a list of records
separated by blank lines, one ``X:value`` field per line: ``P`` name, ``V`` version, ``A``
architecture, ``o`` origin (the source package the security database uses), ``L`` license.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubeguard.model.image import PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    decode_text,
)
from kubeguard.sources.images.catalogers.purls import os_package

INSTALLED = ("/lib/apk/db/installed", "/usr/lib/apk/db/installed")


def _selects(path: str, mode: int) -> bool:
    return path in INSTALLED


def apk_records(text: str) -> Iterator[dict[str, str]]:
    """The records of an apk installed database, first value of each field."""
    record: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if record:
                yield record
            record = {}
        elif len(line) >= 2 and line[1] == ":":
            record.setdefault(line[0], line[2:].strip())
    if record:
        yield record


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        for record in apk_records(decode_text(file.data)):
            name, version = record.get("P"), record.get("V")
            if not name or not version:
                continue
            yield os_package(
                PackageType.APK,
                file,
                context,
                name=name,
                version=version,
                arch=record.get("A"),
                source_name=record.get("o") or name,
                licenses=(record["L"],) if record.get("L") else (),
            )


APK = Cataloger(name="apk", selects=_selects, catalog=_catalog)
