"""Red Hat family packages (Amazon Linux, RHEL, Fedora, CentOS …) from rpm's database.

Two backends are read, both without rpm or libdb installed:

* SQLite ``rpmdb.sqlite`` (rpm 4.16+: Amazon Linux 2023, RHEL 9, Fedora 33+): table
  ``Packages(hnum, blob)``; the database is opened in memory from the bytes read from the layer,
  so nothing is written to disk;
* BerkeleyDB ``Packages`` (Amazon Linux 2, RHEL/CentOS 7 and 8), see :mod:`.rpm_bdb`.

Each row is an rpm header blob (:mod:`.rpm_header`). ``gpg-pubkey`` entries are imported signing
keys, not packages. The source rpm names the package advisories are filed under.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from kubeguard.model import SourceError
from kubeguard.model.image import PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
)
from kubeguard.sources.images.catalogers.purls import os_package
from kubeguard.sources.images.catalogers.rpm_bdb import BerkeleyDbError, hash_values
from kubeguard.sources.images.catalogers.rpm_header import HeaderError, RpmHeader, parse_header

_DB_FOLDERS = ("/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/usr/share/rpm/")
SQLITE_NAME = "rpmdb.sqlite"
BDB_NAME = "Packages"
_SQLITE_MAGIC = b"SQLite format 3\0"
#: Keys that are not headers, like the BerkeleyDB record counter, are a few bytes long.
_NOT_A_HEADER = 16


def _selects(path: str, mode: int) -> bool:
    folder, _, name = path.rpartition("/")
    return name in (SQLITE_NAME, BDB_NAME) and folder + "/" in _DB_FOLDERS


def sqlite_blobs(data: bytes) -> list[bytes]:
    """The header blobs of an rpm SQLite database given as bytes."""
    if not data.startswith(_SQLITE_MAGIC):
        raise sqlite3.DatabaseError("not an SQLite database")
    image = bytearray(data)
    # A database left in WAL mode (bytes 18-19 = 2) cannot be opened from memory; the main
    # file alone is a consistent (if possibly older) snapshot, so read it as a rollback database.
    image[18:20] = b"\x01\x01"
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(bytes(image))
        rows = connection.execute("SELECT blob FROM Packages ORDER BY hnum").fetchall()
    finally:
        connection.close()
    return [bytes(row[0]) for row in rows if isinstance(row[0], bytes | memoryview)]


def _blobs(file: ImageFile) -> Iterable[bytes] | SourceError:
    try:
        if file.path.endswith(SQLITE_NAME):
            return sqlite_blobs(file.data)
        return list(hash_values(file.data))
    except (sqlite3.Error, BerkeleyDbError) as error:
        return file.problem(f"unreadable rpm database: {error}")


def _headers(file: ImageFile) -> Iterator[RpmHeader | SourceError]:
    blobs = _blobs(file)
    if isinstance(blobs, SourceError):
        yield blobs
        return
    for number, blob in enumerate(blobs, start=1):
        if len(blob) < _NOT_A_HEADER:
            continue
        try:
            yield parse_header(blob)
        except HeaderError as error:
            yield file.problem(f"rpm header {number}: {error}")


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        for header in _headers(file):
            if isinstance(header, SourceError):
                yield header
                continue
            if header.name == "gpg-pubkey":
                continue
            source = header.source
            yield os_package(
                PackageType.RPM,
                file,
                context,
                name=header.name,
                version=header.full_version,
                arch=header.arch,
                source_name=source[0] if source else None,
                source_version=source[1] if source else None,
                licenses=(header.license,) if header.license else (),
                purl_version=f"{header.version}-{header.release}",
                epoch=str(header.epoch) if header.epoch else None,
                upstream=header.source_rpm,
            )


RPM = Cataloger(name="rpm", selects=_selects, catalog=_catalog)
