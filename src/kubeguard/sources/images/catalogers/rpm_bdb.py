"""Header blobs from a BerkeleyDB hash database: rpm's ``Packages`` file before rpm 4.16.

Amazon Linux 2, CentOS 7 and RHEL 7/8 images keep their rpm database in this format. The file is
read in memory, never opened with libdb: pages are ``pagesize`` bytes; page 0 is the hash
metadata page (magic ``0x061561`` at offset 12, in the byte order of the machine that wrote it,
page size at 20, last page number at 32). Hash pages (type 13, or 2 for the unsorted pages of
old databases) list key/value items; rpm's values are header blobs too big to sit on the page,
so most are off-page items (type 3: page number at +4, total length at +8) pointing to a chain
of overflow pages (type 7) linked by their ``next`` field, each holding as many bytes as its
"high free offset" field says (libdb ``dbinc/db_page.h``, ``OV_LEN``). A value small enough
to fit on the hash page is stored inline instead (type 1, the bytes after the type byte).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

HASH_MAGIC = 0x061561
PAGE_HEADER_SIZE = 26
PAGE_TYPE_HASH_UNSORTED = 2
PAGE_TYPE_OVERFLOW = 7
PAGE_TYPE_HASH_META = 8
PAGE_TYPE_HASH = 13
ITEM_KEY_DATA = 1
ITEM_OFF_PAGE = 3
VALID_PAGE_SIZES = frozenset(512 << shift for shift in range(8))


class BerkeleyDbError(ValueError):
    """The file is not a BerkeleyDB hash database kubeguard can read."""


def hash_values(data: bytes) -> Iterator[bytes]:
    """Every off-page value of the hash database in ``data`` (rpm: the header blobs)."""
    if len(data) < 512:
        raise BerkeleyDbError("file is shorter than one database page")
    order = "<"
    if struct.unpack_from("<I", data, 12)[0] != HASH_MAGIC:
        order = ">"
        if struct.unpack_from(">I", data, 12)[0] != HASH_MAGIC:
            raise BerkeleyDbError("no BerkeleyDB hash magic")
    page_size, last_page = (
        struct.unpack_from(order + "I", data, 20)[0],
        struct.unpack_from(order + "I", data, 32)[0],
    )
    if page_size not in VALID_PAGE_SIZES:
        raise BerkeleyDbError(f"unexpected page size {page_size}")
    if data[25] != PAGE_TYPE_HASH_META:
        raise BerkeleyDbError("first page is not a hash metadata page")
    pages = min(last_page + 1, len(data) // page_size)
    for number in range(1, pages):
        page = memoryview(data)[number * page_size : (number + 1) * page_size]
        if page[25] not in (PAGE_TYPE_HASH, PAGE_TYPE_HASH_UNSORTED):
            continue
        entries = struct.unpack_from(order + "H", page, 20)[0]
        if PAGE_HEADER_SIZE + 2 * entries > page_size:
            raise BerkeleyDbError(f"page {number} claims {entries} entries")
        # Items come in key/value pairs; values sit at the odd positions. Items are packed
        # from the end of the page down, so an item ends where the one before it starts.
        for index in range(1, entries, 2):
            offset, end = struct.unpack_from(
                order + "HH", page, PAGE_HEADER_SIZE + 2 * (index - 1)
            )[::-1]
            if offset >= page_size:
                continue
            if page[offset] == ITEM_KEY_DATA and offset < end <= page_size:
                yield bytes(page[offset + 1 : end])
            elif page[offset] == ITEM_OFF_PAGE and offset + 12 <= page_size:
                first, total = struct.unpack_from(order + "II", page, offset + 4)
                yield _overflow_chain(data, first, total, page_size, order)


def _overflow_chain(data: bytes, first: int, total: int, page_size: int, order: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    seen: set[int] = set()
    number = first
    while number != 0:
        if number in seen or (number + 1) * page_size > len(data):
            raise BerkeleyDbError(f"overflow chain broken at page {number}")
        seen.add(number)
        page = memoryview(data)[number * page_size : (number + 1) * page_size]
        if page[25] != PAGE_TYPE_OVERFLOW:
            raise BerkeleyDbError(f"page {number} in an overflow chain is not an overflow page")
        (next_page,) = struct.unpack_from(order + "I", page, 16)
        (used,) = struct.unpack_from(order + "H", page, 22)
        length = used if 0 < used <= page_size - PAGE_HEADER_SIZE else page_size - PAGE_HEADER_SIZE
        chunk = bytes(page[PAGE_HEADER_SIZE : PAGE_HEADER_SIZE + length])
        chunks.append(chunk)
        size += len(chunk)
        if size > total:
            break
        number = next_page
    return b"".join(chunks)[:total]
