"""Kubernetes manifests from files, folders and standard input.

A source never judges: it yields the objects it read, an error for every input it could not read
(with file and position), and a note for every document it skipped as not Kubernetes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from kubeguard.model import K8sObject, LineList, SourceError, SourceLocation
from kubeguard.parallel import map_parts, split_contiguous
from kubeguard.yaml_documents import DeferredLines, Document, read_documents

#: File suffixes read when walking a folder; a file named explicitly is read whatever its name.
MANIFEST_SUFFIXES = frozenset({".yaml", ".yml", ".json"})

#: Largest input read, in bytes. The API server refuses requests over 3 MiB and etcd objects over
#: 1.5 MiB, so even a generous bundle of manifests stays far below this.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024

STDIN = "-"


@dataclass(frozen=True, slots=True)
class SkippedDocument:
    """A document that parsed but is not a Kubernetes object (reported in verbose mode)."""

    location: SourceLocation
    reason: str


ManifestItem = K8sObject | SourceError | SkippedDocument


#: Below this many bytes of input, forking workers costs more than it saves.
PARALLEL_MIN_BYTES = 2 * 1024 * 1024

#: What reading a file costs beside its bytes, in bytes of YAML (opening it, and the documents of
#: a folder of small manifests cost more per byte than a few large CRDs): measured on the corpus.
FILE_COST = 12 * 1024

#: This process's share of the files, against each worker's, when it also has work of its own:
#: loading the posture controls takes about a sixth of reading the shared corpus.
MEANWHILE_SHARE = 0.7


def read_manifests(
    inputs: Iterable[str],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stdin: BinaryIO | None = None,
    workers: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[ManifestItem]:
    """Read every object from ``inputs`` (files, folders searched recursively, ``-`` for stdin).

    With ``workers`` > 1 and enough input, files are parsed in forked processes; the items come
    back in the same order as a sequential read. ``meanwhile`` is work of the caller's own that
    this process does while the workers read (it gets a smaller share of the files for it).
    """
    files: list[Path] = []
    for given in inputs:
        if given == STDIN:
            yield from _read_files(files, max_file_bytes, workers)
            files = []
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_bytes(stream.read(max_file_bytes + 1), STDIN, max_file_bytes)
            continue
        path = Path(given)
        if path.is_dir():
            files.extend(_walk(path))
        elif path.exists():
            files.append(path)
        else:
            yield from _read_files(files, max_file_bytes, workers)
            files = []
            yield SourceError("no such file or folder", location=SourceLocation(given))
    yield from _read_files(files, max_file_bytes, workers, meanwhile)


def _read_files(
    files: list[Path],
    max_file_bytes: int,
    workers: int,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[ManifestItem]:
    sizes = [_size(file) for file in files]
    if workers <= 1 or sum(sizes) < PARALLEL_MIN_BYTES:
        if meanwhile is not None:
            meanwhile()
        for file in files:
            yield from read_file(file, max_file_bytes=max_file_bytes)
        return
    share = 1.0 if meanwhile is None else MEANWHILE_SHARE
    costs = [size + FILE_COST for size in sizes]
    groups = split_contiguous(files, costs, workers, first_share=share)

    def read(group: list[Path]) -> list[ManifestItem]:
        if meanwhile is not None and group is groups[0]:  # the part this process reads
            meanwhile()
        return _read_group(group, max_file_bytes)

    for items in map_parts(read, groups, encode=_pack, decode=_unpack):
        yield from items


def _read_group(files: list[Path], max_file_bytes: int) -> list[ManifestItem]:
    return [item for file in files for item in read_file(file, max_file_bytes=max_file_bytes)]


def _pack(items: list[ManifestItem]) -> list[Any]:
    """A worker's items, cheap to send to the parent.

    Unpickling a worker's manifests cost the parent about as much as parsing them itself.
    Objects read the fast way carry no line maps, so their manifests can travel as JSON, which
    orjson writes and reads faster (corpus, two workers: 0.93 s -> 0.86 s).
    """
    return [
        (orjson.dumps(item.manifest), item.source, item.lines)
        if isinstance(item, K8sObject) and item.lines is not None
        else item
        for item in items
    ]


def _unpack(rows: list[Any]) -> list[ManifestItem]:
    return [
        K8sObject(orjson.loads(row[0]), row[1], row[2]) if isinstance(row, tuple) else row
        for row in rows
    ]


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def _walk(folder: Path) -> Iterator[Path]:
    """Manifest files below ``folder`` in a stable order, skipping hidden folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if Path(name).suffix.lower() in MANIFEST_SUFFIXES:
                yield Path(root, name)


def read_file(
    path: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[ManifestItem]:
    """Read one file; every problem is yielded, never raised."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            yield _too_large(name, size, max_file_bytes)
            return
        with path.open("rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError as error:
        yield SourceError(f"cannot read: {error.strerror or error}", location=SourceLocation(name))
        return
    yield from _read_bytes(data, name, max_file_bytes)


def _too_large(name: str, size: int, limit: int) -> SourceError:
    return SourceError(
        f"file is {size / 1048576:.1f} MiB, over the {limit / 1048576:.0f} MiB limit "
        "(raise it with --max-file-size)",
        location=SourceLocation(name),
    )


def _read_bytes(data: bytes, name: str, max_file_bytes: int) -> Iterator[ManifestItem]:
    if len(data) > max_file_bytes:
        yield _too_large(name, len(data), max_file_bytes)
        return
    text = _decode(data, name)
    if isinstance(text, SourceError):
        yield text
        return
    for item in read_documents(text, name, defer_lines=True):
        if isinstance(item, Document):
            yield from _objects(item.value, item.location, item.lines)
        else:
            yield item


def _decode(data: bytes, name: str) -> str | SourceError:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        offset = data.index(b"\x00")
        return SourceError(
            f"binary data (NUL byte at offset {offset}), not YAML or JSON",
            location=SourceLocation(name, data.count(b"\n", 0, offset) + 1),
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            return _not_text(name, data, error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _not_text(name, data, error)


def _not_text(name: str, data: bytes, error: UnicodeDecodeError) -> SourceError:
    line_start = data.rfind(b"\n", 0, error.start) + 1
    return SourceError(
        f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})",
        location=SourceLocation(
            name, data.count(b"\n", 0, error.start) + 1, error.start - line_start + 1
        ),
    )


def _objects(
    value: Any, location: SourceLocation, lines: DeferredLines | None
) -> Iterator[K8sObject | SkippedDocument]:
    if value is None:
        return
    if not isinstance(value, Mapping):
        shape = "a list" if isinstance(value, list) else "a scalar"
        yield SkippedDocument(location, f"document is {shape}, not a Kubernetes object")
        return
    kind = value.get("kind")
    if not isinstance(kind, str) or not isinstance(value.get("apiVersion"), str):
        yield SkippedDocument(location, "no apiVersion and kind: not a Kubernetes object")
        return
    items = value.get("items")
    if kind.endswith("List") and isinstance(items, list):
        for index, item in enumerate(items):
            if lines is not None:
                item_lines: DeferredLines | None = lines.within(("items", index))
                line = lines.line_of(("items", index))
            else:
                item_lines = None
                line = items.item_lines[index] if isinstance(items, LineList) else None
            yield from _objects(item, location.at_line(line), item_lines)
        return
    yield K8sObject(value, location, lines)
