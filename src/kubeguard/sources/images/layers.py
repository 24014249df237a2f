"""Layers applied in order, streamed: each layer tar is walked once and nothing is extracted.

For each entry the walker asks the catalogers whether they want the file; it keeps only those
files (or an extract of them) in memory and records the entry's effect on lower layers:

* ``.wh.<name>`` deletes ``<name>`` (and everything below it) from the layers underneath;
* ``.wh..wh..opq`` in a directory hides everything lower layers put in that directory;
* any other entry at a path a lower layer filled replaces that file.

Whiteouts apply to lower layers only (OCI image spec, "Whiteouts"), so the changes of one layer
are applied to the files gathered so far *before* the layer's own files are added.

Nothing is written to disk. Entry names are normalised against the image root: names that
climb out of it with ``..`` are ignored and reported; absolute names are read as relative to the
root, as the container runtime applies them; links are recorded as replacements and never
followed. Compressed (gzip, zstd) and plain tar layers are told apart by their first bytes, not
by the media type, which is sometimes wrong. The bytes read per layer and per file are bounded.
"""

from __future__ import annotations

import gzip
import hashlib
import tarfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, cast

import zstandard

from kubeguard.model import SourceError
from kubeguard.model.image import LayerInfo, problem
from kubeguard.sources.images.catalogers.base import Cataloger, ImageFile, read_bounded
from kubeguard.sources.images.limits import Limits

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1024 * 1024


class LayerTooLarge(Exception):
    """The uncompressed layer went past :attr:`Limits.max_layer_bytes`."""


class _HashingReader:
    """Passes reads through, hashing and counting what went by."""

    def __init__(self, raw: IO[bytes], limit: int | None = None) -> None:
        self._raw = raw
        self._limit = limit
        self.sha256 = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size is not None and size >= 0 else _CHUNK)
        self.count += len(data)
        if self._limit is not None and self.count > self._limit:
            raise LayerTooLarge
        self.sha256.update(data)
        return data

    def drain(self) -> None:
        """Read to the end, so the digest covers the whole stream."""
        while self.read(_CHUNK):
            pass

    @property
    def digest(self) -> str:
        return "sha256:" + self.sha256.hexdigest()


class _PrefixedReader:
    """A stream with bytes already read from it put back in front."""

    def __init__(self, prefix: bytes, raw: _HashingReader) -> None:
        self._prefix = prefix
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            if size is None or size < 0:
                data, self._prefix = self._prefix + self._raw.read(-1), b""
                return data
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return self._raw.read(size)


@dataclass(slots=True)
class LayerChanges:
    """What one layer does to the filesystem, as far as catalogers care."""

    layer: LayerInfo
    files: dict[str, ImageFile] = field(default_factory=dict)
    """Selected files this layer adds, by path."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Name of the cataloger that selected each file, by path."""
    deleted: set[str] = field(default_factory=set)
    """Paths removed from lower layers with everything below them (whiteouts)."""
    opaque: set[str] = field(default_factory=set)
    """Directories whose lower-layer contents are hidden."""
    replaced: set[str] = field(default_factory=set)
    """Lower-layer files this layer overwrites with something no cataloger keeps."""
    problems: list[SourceError] = field(default_factory=list)


@dataclass(slots=True)
class Filesystem:
    """The selected files of the layers applied so far, by path."""

    files: dict[str, ImageFile] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def apply(self, changes: LayerChanges) -> None:
        """Apply one layer on top: its deletions first (they affect lower layers only), then its files."""
        gone_below = {path.rstrip("/") for path in changes.deleted | changes.opaque}
        for path in list(self.files):
            if path in changes.deleted or path in changes.replaced or _under(path, gone_below):
                del self.files[path]
                del self.kinds[path]
        self.files.update(changes.files)
        self.kinds.update(changes.kinds)

    def selected_by(self, cataloger: str) -> list[ImageFile]:
        """The files ``cataloger`` selected, in path order."""
        return [self.files[p] for p in sorted(self.files) if self.kinds[p] == cataloger]


def _under(path: str, folders: set[str]) -> bool:
    """Whether ``path`` lies strictly inside one of ``folders``."""
    parent = path.rpartition("/")[0]
    while parent:
        if parent in folders:
            return True
        parent = parent.rpartition("/")[0]
    return "" in folders or "/" in folders


def normalise_entry(name: str) -> str | None:
    """The absolute image path of a tar entry name; ``None`` if it climbs out of the root."""
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def walk_layer(
    stream: IO[bytes],
    layer: LayerInfo,
    catalogers: Sequence[Cataloger],
    lower: Iterable[str],
    limits: Limits,
    *,
    verify_digest: bool = True,
) -> LayerChanges:
    """Walk one layer blob once and return its changes; problems are recorded, never raised."""
    changes = LayerChanges(layer)
    lower_paths = set(lower)
    raw = _HashingReader(stream)
    where = f"layer {layer.digest}"
    unpacked: _HashingReader | None = None
    try:
        head = raw.read(4)
        prefixed = _PrefixedReader(head, raw)
        decompressed: IO[bytes]
        if head.startswith(_GZIP_MAGIC):
            decompressed = cast(
                IO[bytes], gzip.GzipFile(fileobj=cast(IO[bytes], prefixed), mode="rb")
            )
        elif head.startswith(_ZSTD_MAGIC):
            decompressed = cast(
                IO[bytes],
                zstandard.ZstdDecompressor().stream_reader(
                    cast(IO[bytes], prefixed), read_across_frames=True
                ),
            )
        else:
            decompressed = cast(IO[bytes], prefixed)
        unpacked = _HashingReader(decompressed, limits.max_layer_bytes)
        _walk_tar(cast(IO[bytes], unpacked), changes, catalogers, lower_paths, limits)
        unpacked.drain()
        raw.drain()
    except LayerTooLarge:
        changes.problems.append(
            problem(
                f"layer unpacks to more than {limits.max_layer_bytes} bytes "
                "(a decompression bomb?); read only that far",
                where,
            )
        )
        return changes
    except (tarfile.TarError, EOFError, OSError, zlib.error, zstandard.ZstdError) as error:
        changes.problems.append(problem(f"layer is not a readable tar: {_reason(error)}", where))
        return changes
    if verify_digest and layer.digest.startswith("sha256:") and raw.digest != layer.digest:
        changes.problems.append(
            problem(f"layer content does not match its digest (got {raw.digest})", where)
        )
    if unpacked is not None and layer.diff_id and unpacked.digest != layer.diff_id:
        changes.problems.append(
            problem(
                f"uncompressed layer does not match the config's diff_id {layer.diff_id} "
                f"(got {unpacked.digest})",
                where,
            )
        )
    return changes


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.rstrip(".")


def _walk_tar(
    stream: IO[bytes],
    changes: LayerChanges,
    catalogers: Sequence[Cataloger],
    lower: set[str],
    limits: Limits,
) -> None:
    escaping = 0
    where = f"layer {changes.layer.digest}"
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        while True:
            member = tar.next()
            if member is None:
                break
            # Stream mode keeps every header it passes; forget them to bound memory.
            tar.members = []  # type: ignore[attr-defined]
            path = normalise_entry(member.name)
            if path is None:
                escaping += 1
                if escaping <= limits.max_noted_entries:
                    changes.problems.append(
                        problem(
                            f"entry {member.name!r} points outside the image root; ignored", where
                        )
                    )
                continue
            folder, _, base = path.rpartition("/")
            if base.startswith(WHITEOUT_PREFIX):
                if base == OPAQUE_MARKER:
                    changes.opaque.add(folder or "/")
                else:
                    changes.deleted.add(f"{folder}/{base[len(WHITEOUT_PREFIX) :]}")
                continue
            kept = member.isreg() and _select(tar, member, path, changes, catalogers, limits)
            if not kept and path in lower:
                changes.replaced.add(path)
    if escaping > limits.max_noted_entries:
        changes.problems.append(
            problem(
                f"{escaping - limits.max_noted_entries} more entries point outside the image root",
                where,
            )
        )


def _select(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    path: str,
    changes: LayerChanges,
    catalogers: Sequence[Cataloger],
    limits: Limits,
) -> bool:
    """Keep the file if a cataloger wants it; whether it was kept."""
    for cataloger in catalogers:
        if not cataloger.selects(path, member.mode):
            continue
        content = tar.extractfile(member)
        if content is None:
            return False
        if cataloger.extract is not None:
            data = cataloger.extract(content, member.size, limits)
        else:
            data = read_bounded(content, limits.max_file_bytes)
            if data is None:
                changes.problems.append(
                    problem(
                        f"file is larger than {limits.max_file_bytes} bytes; not read",
                        f"{path} (layer {changes.layer.digest[:19]})",
                    )
                )
        if data is None:
            return False
        changes.files[path] = ImageFile(path, changes.layer.digest, data)
        changes.kinds[path] = cataloger.name
        return True
    return False
