"""Named files inside an image folder or an image tar, read without extracting anything.

Both the OCI image layout and ``docker save`` archives come either as a folder or as one tar.
:class:`FolderContainer` and :class:`TarContainer` give the same read-only view of both. Names
come from the image's own JSON files, so they are untrusted: a name that leaves the container
(``..``, an absolute path, a symlink pointing outside the folder) is refused.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Protocol

from kubeguard.model import SourceError
from kubeguard.model.image import problem
from kubeguard.sources.images.catalogers.base import read_bounded
from kubeguard.sources.images.layers import normalise_entry


class Container(Protocol):
    """Read-only access to the files of an image folder or tar."""

    where: str

    def has(self, name: str) -> bool:
        """Whether the container holds a regular file (or a link to one) called ``name``."""

    def open(self, name: str) -> AbstractContextManager[IO[bytes]]:
        """The file's content as a stream (a context manager)."""

    def read(self, name: str, limit: int) -> bytes:
        """The whole file, refused when it is over ``limit`` bytes."""


#: Links followed from one name before giving up (a loop, or a hostile chain).
_MAX_LINKS = 8


def _inside(name: str, where: str) -> str:
    normal = normalise_entry(name)
    if normal is None or normal == "/":
        raise problem(f"the image names a file outside itself: {name!r}", where)
    return normal.lstrip("/")


def opener(container: Container, name: str) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    """A function that opens ``name`` of ``container`` when called (for a layer read later)."""
    return lambda: container.open(name)


def _bounded(stream: IO[bytes], limit: int, name: str, where: str) -> bytes:
    data = read_bounded(stream, limit)
    if data is None:
        raise problem(f"{name} is larger than {limit} bytes", where)
    return data


class FolderContainer:
    """An image laid out in a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.where = str(root)

    def _path(self, name: str) -> Path:
        path = (self.root / _inside(name, self.where)).resolve()
        if not path.is_relative_to(self.root):
            raise problem(f"{name!r} resolves outside the image folder", self.where)
        return path

    def has(self, name: str) -> bool:
        """Whether ``name`` is a file of the container."""
        try:
            return self._path(name).is_file()
        except SourceError:
            return False

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """The file ``name`` as a stream."""
        path = self._path(name)
        try:
            handle = path.open("rb")
        except OSError as error:
            raise problem(f"cannot read {name}: {error.strerror or error}", self.where) from None
        with handle:
            yield handle

    def read(self, name: str, limit: int) -> bytes:
        """The whole file, at most ``limit`` bytes."""
        with self.open(name) as stream:
            return _bounded(stream, limit, name, self.where)


class TarContainer:
    """An image packed in one tar file (``docker save``, ``skopeo copy … oci-archive:``)."""

    def __init__(self, path: Path) -> None:
        self.where = str(path)
        try:
            self._tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 - closed by close()
        except (tarfile.TarError, EOFError, OSError) as error:
            raise problem(f"not a readable tar archive: {error}", self.where) from None
        self._members: dict[str, tarfile.TarInfo] = {}
        try:
            for member in self._tar:
                normal = normalise_entry(member.name)
                if normal is not None and (member.isreg() or member.issym() or member.islnk()):
                    self._members[normal.lstrip("/")] = member
        except (tarfile.TarError, EOFError, OSError) as error:
            self._tar.close()
            raise problem(f"not a readable tar archive: {error}", self.where) from None
        self._tar.members = []  # type: ignore[attr-defined]

    def close(self) -> None:
        """Close the underlying file."""
        self._tar.close()

    def has(self, name: str) -> bool:
        """Whether ``name`` is a file of the container."""
        try:
            return _inside(name, self.where) in self._members
        except SourceError:
            return False

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """The member ``name`` as a stream, links inside the archive followed."""
        member = self._resolve(_inside(name, self.where))
        if member is None:
            raise problem(f"the archive has no file {name}", self.where)
        try:
            stream = self._tar.extractfile(member)
        except (tarfile.TarError, KeyError) as error:
            raise problem(f"cannot read {name}: {error}", self.where) from None
        if stream is None:
            raise problem(f"{name} is not a file", self.where)
        with stream:
            yield stream

    def _resolve(self, name: str) -> tarfile.TarInfo | None:
        """The regular member ``name`` is, following links inside the archive (never outside)."""
        for _ in range(_MAX_LINKS):
            member = self._members.get(name)
            if member is None or member.isreg():
                return member
            if member.issym():
                folder = name.rpartition("/")[0]
                target = (
                    member.linkname
                    if member.linkname.startswith("/")
                    else f"{folder}/{member.linkname}"
                )
            else:
                target = member.linkname
            normal = normalise_entry(target)
            if normal is None:
                return None
            name = normal.lstrip("/")
        return None

    def read(self, name: str, limit: int) -> bytes:
        """The whole member, at most ``limit`` bytes."""
        with self.open(name) as stream:
            try:
                return _bounded(stream, limit, name, self.where)
            except (tarfile.TarError, EOFError, OSError) as error:
                raise problem(f"cannot read {name}: {error}", self.where) from None
