"""Maven artifacts in Java archives, from ``META-INF/maven/<group>/<artifact>/pom.properties``.

Jars are zip files, whose directory sits at the end, so each selected archive is read into
memory up to :attr:`Limits.max_archive_bytes` (never to disk); only the small
``pom.properties`` entries are decompressed, each bounded by :attr:`Limits.max_member_bytes`
whatever size the zip directory claims. Archives nested one level deep (Spring Boot's
``BOOT-INF/lib/*.jar``, a war's ``WEB-INF/lib``) are read the same way.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from typing import IO

import orjson

from kubeguard.model.image import Package, PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    read_bounded,
)
from kubeguard.sources.images.catalogers.purls import language_purl
from kubeguard.sources.images.limits import Limits

ARCHIVE_SUFFIXES = (".jar", ".war", ".ear", ".par")
_POM_PROPERTIES = "pom.properties"
_MAX_NESTED = 1000


def _selects(path: str, mode: int) -> bool:
    return path.endswith(ARCHIVE_SUFFIXES)


def extract_pom_properties(stream: IO[bytes], size: int, limits: Limits) -> bytes | None:
    """``[{"entry": …, "text": …}, …]`` as JSON for every pom.properties in the archive.

    ``{"error": …}`` when the archive is too large or not a zip, so the cataloger can say so.
    """
    if size > limits.max_archive_bytes:
        return _error(f"archive is larger than {limits.max_archive_bytes} bytes; not read")
    data = read_bounded(stream, limits.max_archive_bytes)
    if data is None:
        return _error(f"archive is larger than {limits.max_archive_bytes} bytes; not read")
    try:
        found = list(_pom_files(data, "", limits, nested=True))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
    ) as error:
        return _error(f"not a readable zip archive: {error}")
    return orjson.dumps(found)


def _error(message: str) -> bytes:
    return orjson.dumps({"error": message})


def _pom_files(
    data: bytes, prefix: str, limits: Limits, *, nested: bool
) -> Iterator[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        nested_count = 0
        for info in archive.infolist():
            name = info.filename
            if name.startswith("META-INF/maven/") and name.endswith("/" + _POM_PROPERTIES):
                with archive.open(info) as member:
                    text = read_bounded(member, limits.max_member_bytes)
                if text is not None:
                    yield {"entry": prefix + name, "text": text.decode("utf-8", errors="replace")}
            elif nested and name.endswith(ARCHIVE_SUFFIXES) and nested_count < _MAX_NESTED:
                nested_count += 1
                with archive.open(info) as member:
                    inner = read_bounded(member, limits.max_archive_bytes)
                if inner is not None:
                    try:
                        yield from _pom_files(inner, f"{prefix}{name}!/", limits, nested=False)
                    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                        continue


def parse_properties(text: str) -> dict[str, str]:
    """``key=value`` (or ``key: value``) lines of a Java properties file, comments skipped."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        separator = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if separator > 0:
            values[line[:separator].strip()] = line[separator + 1 :].strip()
    return values


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        try:
            found = orjson.loads(file.data)
        except orjson.JSONDecodeError:
            continue
        if isinstance(found, dict):
            yield file.problem(str(found.get("error")))
            continue
        seen: set[tuple[str, str, str]] = set()
        for item in found:
            values = parse_properties(item["text"])
            group, artifact, version = (
                values.get("groupId"),
                values.get("artifactId"),
                values.get("version"),
            )
            if not group or not artifact or not version or (group, artifact, version) in seen:
                continue
            seen.add((group, artifact, version))
            yield Package(
                name=f"{group}:{artifact}",
                version=version,
                type=PackageType.MAVEN,
                purl=language_purl(PackageType.MAVEN, artifact, version, group),
                layer=file.layer,
                path=f"{file.path}!/{item['entry']}",
            )


JAVA_ARCHIVE = Cataloger(
    name="java", selects=_selects, catalog=_catalog, extract=extract_pom_properties
)
