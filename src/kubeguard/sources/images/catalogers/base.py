"""What a cataloger is: which files of an image it needs, and how it turns them into packages.

The layer walker asks every cataloger whether it wants each file it passes, keeps only what
catalogers want (the file, or a small extract of it such as a Go binary's build information),
and applies the layers' whiteouts. Catalogers then see the files of the final filesystem only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from kubeguard.model import SourceError
from kubeguard.model.image import Distro, Package, problem
from kubeguard.sources.images.limits import Limits


@dataclass(frozen=True, slots=True)
class ImageFile:
    """A file of the final image filesystem, as a cataloger kept it."""

    path: str
    """Absolute path in the image, normalised (``/var/lib/dpkg/status``)."""
    layer: str
    """Digest of the layer the file came from (the topmost one that has it)."""
    data: bytes
    """The content, or what the cataloger's extractor kept of it."""

    @property
    def where(self) -> str:
        """``path`` in ``layer``, for error locations."""
        return f"{self.path} (layer {self.layer[:19]})"

    def problem(self, message: str) -> SourceError:
        """A problem with this file."""
        return problem(message, self.where)


@dataclass(frozen=True, slots=True)
class CatalogContext:
    """What catalogers know about the image besides their own files."""

    distro: Distro | None
    limits: Limits


#: Reads a selected file from the layer stream and returns what to keep (``None``: nothing).
#: Arguments: the stream positioned at the file's content, the size the tar header claims, and
#: the limits. It must never read more than the limits allow.
Extractor = Callable[[IO[bytes], int, Limits], bytes | None]

CatalogResult = Iterator[Package | SourceError]


@dataclass(frozen=True, slots=True)
class Cataloger:
    """One kind of package database or package metadata."""

    name: str
    """Short name (``dpkg``, ``python`` …)."""
    selects: Callable[[str, int], bool]
    """Whether the file at this normalised path, with this mode, is one the cataloger reads."""
    catalog: Callable[[Sequence[ImageFile], CatalogContext], CatalogResult]
    """The packages (and problems) in the selected files of the final filesystem."""
    extract: Extractor | None = None
    """What to keep of a selected file; ``None`` keeps the whole file (up to the limit)."""


_READ_CHUNK = 1024 * 1024


def read_bounded(stream: IO[bytes], limit: int) -> bytes | None:
    """The rest of ``stream`` if it is at most ``limit`` bytes; ``None`` when it holds more.

    Read in chunks: asking a buffered reader for ``limit`` bytes at once makes it allocate that
    much up front, however small the file.
    """
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    return None


def decode_text(data: bytes) -> str:
    """Text of a metadata file: UTF-8, with undecodable bytes replaced rather than fatal."""
    return data.decode("utf-8", errors="replace")


def rfc822_paragraphs(text: str) -> Iterator[dict[str, str]]:
    """``Key: value`` paragraphs separated by blank lines, continuation lines folded in.

    The shape of dpkg's status file and of Python's METADATA/PKG-INFO headers.
    """
    fields: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields, last = {}, None
        elif line[0] in " \t":
            if last is not None:
                fields[last] += "\n" + line.strip()
        else:
            key, colon, value = line.partition(":")
            if colon:
                last = key.strip()
                fields.setdefault(last, value.strip())
            else:
                last = None
    if fields:
        yield fields
