"""Go modules compiled into binaries, from the build information the Go linker embeds.

Since Go 1.18 every binary carries a ``.go.buildinfo`` blob at the start of its first writable,
non-executable ``PT_LOAD`` segment (``debug/buildinfo``): 16-byte aligned, it starts with the
magic ``\\xff Go buildinf:``, then a pointer size byte and a flags byte; with flag bit 2 set the
Go version and the module information follow the 32-byte header inline, each as a uvarint
length and bytes. The module information is text between two 16-byte sentinels::

    path  example.com/cmd/app
    mod   example.com/app  v1.2.3  h1:…
    dep   github.com/pkg/errors  v0.9.1  h1:…
    =>    github.com/pkg/errors  v0.9.2  h1:…     (replaces the dep above)
    build -compiler=gc

The extractor reads the ELF program headers from the start of the stream, skips to that
segment and keeps at most 64 KiB of it: the binary itself is never held in memory. Binaries
from Go before 1.18 keep pointers instead of inline strings and are not read.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import IO

from kubeguard.model.image import Package, PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    decode_text,
)
from kubeguard.sources.images.catalogers.purls import language_purl
from kubeguard.sources.images.limits import Limits

BUILDINFO_MAGIC = b"\xff Go buildinf:"
BUILDINFO_HEADER_SIZE = 32
BUILDINFO_ALIGN = 16
FLAG_INLINE_STRINGS = 0x2
#: How much of the data segment ``debug/buildinfo`` searches for the magic.
SEARCH_BYTES = 64 * 1024
_ELF_MAGIC = b"\x7fELF"
_PT_LOAD = 1
_PF_X, _PF_W = 1, 2
_SEPARATOR = b"\n\x00kubeguard-go-modinfo\x00\n"
_SKIP_CHUNK = 1024 * 1024


def _selects(path: str, mode: int) -> bool:
    return bool(mode & 0o111)


def _data_segment_offset(head: bytes) -> int | None:
    """File offset of the first writable, non-executable loadable segment of an ELF file."""
    if (
        len(head) < 64
        or not head.startswith(_ELF_MAGIC)
        or head[4] not in (1, 2)
        or head[5] not in (1, 2)
    ):
        return None
    wide = head[4] == 2
    order = "<" if head[5] == 1 else ">"
    if wide:
        (phoff,) = struct.unpack_from(order + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
    else:
        (phoff,) = struct.unpack_from(order + "I", head, 28)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 42)
    for index in range(phnum):
        start = phoff + index * phentsize
        if start + (56 if wide else 32) > len(head):
            return None
        if wide:
            kind, flags, offset = struct.unpack_from(order + "IIQ", head, start)
        else:
            kind, offset = struct.unpack_from(order + "II", head, start)
            (flags,) = struct.unpack_from(order + "I", head, start + 24)
        if kind == _PT_LOAD and flags & (_PF_X | _PF_W) == _PF_W:
            return int(offset)
    return None


def extract_buildinfo(stream: IO[bytes], size: int, limits: Limits) -> bytes | None:
    """The Go version and module information of the binary in ``stream``; ``None`` if not Go."""
    head = stream.read(4096)
    offset = _data_segment_offset(head)
    if offset is None or offset >= size:
        return None
    if offset < len(head):
        segment = head[offset:] + stream.read(SEARCH_BYTES)
    else:
        to_skip = offset - len(head)
        while to_skip > 0:
            skipped = len(stream.read(min(to_skip, _SKIP_CHUNK)))
            if skipped == 0:
                return None
            to_skip -= skipped
        segment = stream.read(SEARCH_BYTES)
    return parse_buildinfo_blob(segment[:SEARCH_BYTES])


def parse_buildinfo_blob(segment: bytes) -> bytes | None:
    """Version and modinfo from the start of a data segment, joined for the cataloger."""
    position = 0
    while True:
        found = segment.find(BUILDINFO_MAGIC, position)
        if found < 0 or len(segment) - found < BUILDINFO_HEADER_SIZE:
            return None
        if found % BUILDINFO_ALIGN == 0:
            break
        position = found + 1
    flags = segment[found + 15]
    if not flags & FLAG_INLINE_STRINGS:
        return None
    cursor = found + BUILDINFO_HEADER_SIZE
    version, cursor = _uvarint_string(segment, cursor)
    modinfo, cursor = _uvarint_string(segment, cursor)
    if version is None or modinfo is None:
        return None
    # The module text sits between two 16-byte sentinels that are not text.
    if len(modinfo) >= 33 and modinfo[-17] == ord("\n"):
        modinfo = modinfo[16:-16]
    return version + _SEPARATOR + modinfo


def _uvarint_string(data: bytes, cursor: int) -> tuple[bytes | None, int]:
    length, shift = 0, 0
    while cursor < len(data) and shift < 64:
        byte = data[cursor]
        cursor += 1
        length |= (byte & 0x7F) << shift
        if byte < 0x80:
            end = cursor + length
            return (data[cursor:end], end) if end <= len(data) else (None, cursor)
        shift += 7
    return None, cursor


def _modules(modinfo: str) -> list[tuple[str, str]]:
    """(path, version) of the main module and every dependency, replacements applied."""
    modules: list[tuple[str, str]] = []
    for line in modinfo.splitlines():
        fields = line.split("\t")
        if fields[0] in ("mod", "dep") and len(fields) >= 3:
            modules.append((fields[1], fields[2]))
        elif fields[0] == "=>" and len(fields) >= 3 and modules:
            modules[-1] = (fields[1], fields[2])
    return modules


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        version_bytes, _, modinfo_bytes = file.data.partition(_SEPARATOR)
        go_version = decode_text(version_bytes).strip()
        packages = [
            (path, version)
            for path, version in _modules(decode_text(modinfo_bytes))
            if version != "(devel)"
        ]
        if go_version.startswith("go"):
            packages.append(("stdlib", "v" + go_version[2:].split()[0].split("-")[0]))
        for path, version in packages:
            namespace, _, name = path.rpartition("/")
            yield Package(
                name=path,
                version=version,
                type=PackageType.GOLANG,
                purl=language_purl(PackageType.GOLANG, name, version, namespace or None),
                layer=file.layer,
                path=file.path,
            )


GO_BINARY = Cataloger(name="go", selects=_selects, catalog=_catalog, extract=extract_buildinfo)
