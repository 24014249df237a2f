"""Advisory files as OSV publishes them and as distributions publish theirs, found and parsed.

A path may be a file, a folder (read recursively, in name order) or a zip file such as OSV's
``<ECOSYSTEM>/all.zip``. ``.json``, ``.yaml`` and ``.yml`` files are read; other files in a
folder (``README.md``, OSV's ``.id-allocator``) are passed over. Each document is recognised by
its shape: an OSV record (or a list of them), an Alpine secdb file, or the Debian security
tracker dump. What cannot be read (a corrupt zip, a truncated member, invalid JSON or YAML, a
record of the wrong shape) yields one located problem, and reading goes on.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.advisory import Advisory
from kubeguard.sources.advisories.distro import (
    is_alpine_secdb,
    is_debian_tracker,
    parse_alpine_secdb,
    parse_debian_tracker,
)
from kubeguard.sources.advisories.osv import parse_osv

#: Largest single document read (the Debian tracker dump is about 80 MB uncompressed).
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
_DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")
_YAML_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

#: Keys only an OSV record has at its top level, so that one without an id still reads as OSV.
_OSV_KEYS = frozenset({"id", "affected", "modified", "schema_version"})
#: What reading yields: where it came from (file, or ``zip!member``) and an advisory or problem.
ReadItem = tuple[str, Advisory | SourceError]


def read_advisories(
    path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES, label: str | None = None
) -> Iterator[ReadItem]:
    """Every advisory (and every problem) in ``path``: a file, a folder or a zip file.

    ``label`` names a single file in problems instead of its path (the URL it was fetched from).
    """
    where = label or str(path)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in (*_DOCUMENT_SUFFIXES, ".zip"):
                yield from read_advisories(child, max_bytes=max_bytes)
        return
    if not path.is_file():
        yield where, SourceError("no such file or folder", location=SourceLocation(where))
        return
    if path.suffix.lower() == ".zip" or (
        path.suffix.lower() not in _DOCUMENT_SUFFIXES and zipfile.is_zipfile(path)
    ):
        yield from _read_zip(path, where, max_bytes)
        return
    try:
        if path.stat().st_size > max_bytes:
            raise SourceError(f"larger than {max_bytes} bytes", location=SourceLocation(where))
        data = path.read_bytes()
    except SourceError as error:
        yield where, error
        return
    except OSError as error:
        yield (
            where,
            SourceError(f"cannot read: {error.strerror or error}", location=SourceLocation(where)),
        )
        return
    yield from read_document(data, where)


def _read_zip(path: Path, where: str, max_bytes: int) -> Iterator[ReadItem]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        yield (
            where,
            SourceError(f"not a readable zip file: {error}", location=SourceLocation(where)),
        )
        return
    with archive:
        for member in sorted(archive.infolist(), key=lambda info: info.filename):
            if member.is_dir() or not member.filename.lower().endswith(_DOCUMENT_SUFFIXES):
                continue
            inner = f"{where}!{member.filename}"
            try:
                data = _read_member(archive, member, max_bytes)
            except SourceError as error:
                yield inner, SourceError(error.message, location=SourceLocation(inner))
                continue
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                zlib.error,
                NotImplementedError,
            ) as error:
                yield (
                    inner,
                    SourceError(f"corrupt zip member: {error}", location=SourceLocation(inner)),
                )
                continue
            yield from read_document(data, inner)


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """A member's bytes, refusing to inflate past ``max_bytes`` whatever its header claims."""
    if member.file_size > max_bytes:
        raise SourceError(f"larger than {max_bytes} bytes")
    with archive.open(member) as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceError(f"inflates past {max_bytes} bytes")
    return data


def read_document(data: bytes, where: str) -> Iterator[ReadItem]:
    """The advisories of one JSON or YAML document, whatever feed it comes from."""
    try:
        document = _parse(data, where)
    except SourceError as error:
        yield where, error
        return
    yield from ((where, item) for item in parse_document(document, where))


def _parse(data: bytes, where: str) -> Any:
    try:
        # By content, not name: the Debian tracker's URL ends in ``/json``.
        if data.lstrip()[:1] in (b"{", b"["):
            return orjson.loads(data)
        # BaseLoader builds only strings, lists and mappings: versions such as 1.10 stay text.
        return yaml.load(data.decode("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - BaseLoader constructs no objects
    except orjson.JSONDecodeError as error:
        raise SourceError(f"invalid JSON: {error}", location=SourceLocation(where)) from None
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text", location=SourceLocation(where)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "invalid YAML"
        raise SourceError(f"invalid YAML: {reason}", location=SourceLocation(where, line)) from None


def parse_document(document: Any, where: str) -> Iterator[Advisory | SourceError]:
    """Advisories from a parsed document of any supported feed."""
    if isinstance(document, list):
        for record in document:
            yield from _osv(record, where)
    elif is_alpine_secdb(document):
        yield from parse_alpine_secdb(document, where)
    elif isinstance(document, dict) and not _OSV_KEYS.isdisjoint(document):
        yield from _osv(document, where)
    elif is_debian_tracker(document):
        yield from parse_debian_tracker(document, where)
    else:
        yield SourceError(
            "neither an OSV record, an Alpine secdb file nor the Debian security tracker dump",
            location=SourceLocation(where),
        )


def _osv(record: Any, where: str) -> Iterator[Advisory | SourceError]:
    advisory, problems = parse_osv(record, where)
    yield from problems
    if advisory is not None:
        yield advisory
