"""rpm's header blob: the record every rpm database backend stores, one per package.

Layout (rpm ``lib/header.c``, "Package header format" in rpm's documentation), all integers
big-endian::

    int32 il   number of index entries
    int32 dl   size of the data store
    il x { int32 tag, int32 type, int32 offset, int32 count }
    dl bytes of data; an entry's value starts at ``offset`` in the data store

Strings are NUL-terminated; a string array holds ``count`` of them back to back. The blobs in
the database have no lead magic (the ``8eade801`` header magic appears only in ``.rpm`` files).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

TAG_NAME = 1000
TAG_VERSION = 1001
TAG_RELEASE = 1002
TAG_EPOCH = 1003
TAG_VENDOR = 1011
TAG_LICENSE = 1014
TAG_ARCH = 1022
TAG_SOURCERPM = 1044

TYPE_CHAR = 1
TYPE_INT8 = 2
TYPE_INT16 = 3
TYPE_INT32 = 4
TYPE_INT64 = 5
TYPE_STRING = 6
TYPE_BIN = 7
TYPE_STRING_ARRAY = 8
TYPE_I18NSTRING = 9

#: rpm refuses headers with more index entries or data than these (``hdrchkTags``/``hdrchkData``).
MAX_INDEX_ENTRIES = 0xFFFF
MAX_DATA_BYTES = 256 * 1024 * 1024

_WANTED = {
    TAG_NAME,
    TAG_VERSION,
    TAG_RELEASE,
    TAG_EPOCH,
    TAG_VENDOR,
    TAG_LICENSE,
    TAG_ARCH,
    TAG_SOURCERPM,
}


class HeaderError(ValueError):
    """The blob is not a well-formed rpm header."""


@dataclass(frozen=True, slots=True)
class RpmHeader:
    """The fields of an rpm header the inventory uses."""

    name: str
    version: str
    release: str
    epoch: int | None = None
    arch: str | None = None
    license: str | None = None
    vendor: str | None = None
    source_rpm: str | None = None

    @property
    def full_version(self) -> str:
        """``[epoch:]version-release``, the form rpm's version comparison takes."""
        text = f"{self.version}-{self.release}"
        return f"{self.epoch}:{text}" if self.epoch else text

    @property
    def source(self) -> tuple[str, str] | None:
        """Name and ``version-release`` of the source rpm, from ``name-version-release.src.rpm``."""
        if not self.source_rpm:
            return None
        stem = self.source_rpm
        for suffix in (".src.rpm", ".nosrc.rpm"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        parts = stem.rsplit("-", 2)
        if len(parts) != 3 or not all(parts):
            return None
        return parts[0], f"{parts[1]}-{parts[2]}"


def parse_header(blob: bytes) -> RpmHeader:
    """The header's package fields; :class:`HeaderError` when the blob is malformed."""
    if len(blob) < 8:
        raise HeaderError("header shorter than its preamble")
    index_count, data_size = struct.unpack_from(">ii", blob, 0)
    if not 0 < index_count <= MAX_INDEX_ENTRIES or not 0 <= data_size <= MAX_DATA_BYTES:
        raise HeaderError(f"implausible header sizes ({index_count} entries, {data_size} bytes)")
    data_start = 8 + 16 * index_count
    if data_start + data_size > len(blob):
        raise HeaderError("header is truncated")
    store = memoryview(blob)[data_start : data_start + data_size]
    values: dict[int, str | int] = {}
    for entry in range(index_count):
        tag, kind, offset, count = struct.unpack_from(">iiii", blob, 8 + 16 * entry)
        if tag not in _WANTED:
            continue
        if not 0 <= offset < data_size:
            raise HeaderError(f"tag {tag} points outside the data store")
        if kind in (TYPE_STRING, TYPE_STRING_ARRAY, TYPE_I18NSTRING):
            end = bytes(store[offset:]).find(b"\0")
            if end < 0:
                raise HeaderError(f"tag {tag} string is not terminated")
            values[tag] = bytes(store[offset : offset + end]).decode("utf-8", errors="replace")
        elif kind == TYPE_INT32 and count >= 1 and offset + 4 <= data_size:
            values[tag] = struct.unpack_from(">i", store, offset)[0]
    name, version, release = values.get(TAG_NAME), values.get(TAG_VERSION), values.get(TAG_RELEASE)
    if not isinstance(name, str) or not isinstance(version, str) or not isinstance(release, str):
        raise HeaderError("header has no name, version or release")
    epoch = values.get(TAG_EPOCH)
    return RpmHeader(
        name=name,
        version=version,
        release=release,
        epoch=epoch if isinstance(epoch, int) else None,
        arch=_text(values.get(TAG_ARCH)),
        license=_text(values.get(TAG_LICENSE)),
        vendor=_text(values.get(TAG_VENDOR)),
        source_rpm=_text(values.get(TAG_SOURCERPM)),
    )


def _text(value: str | int | None) -> str | None:
    return value if isinstance(value, str) and value else None
