"""The durable spool: every accepted webhook batch, on disk before the API server hears 200 OK.

The spool is a folder of append-only segment files (``segment-<number>.spool``). Each record is

    magic "KGR1" | payload length (u32, little-endian) | CRC-32 of the payload (u32) | payload

so a reader can tell a whole record from a torn or damaged one, and find the next record after
damage by its magic. :meth:`Spool.append` writes a group of records and calls ``fdatasync`` once
for all of them (group commit: concurrent requests share one disk flush); only then does it
return, and only then is any of those requests acknowledged.

Readers see records up to the last flushed byte, never beyond. On start, :meth:`Spool.open`
checks the newest segment from the last committed position: bytes after the last whole record
(a write cut by a crash, never acknowledged) are cut off. A damaged record in the middle of a
segment is skipped and counted, and reading resumes at the next intact record.

Segments are closed at ``segment_bytes`` and deleted by :meth:`Spool.release` once the detector
has committed a position past them, keeping ``retain_consumed`` consumed segments so a restart
can remember the ``auditID`` of recent events (a batch the API server re-sends after a crash is
then recognised as a duplicate). ``max_bytes`` bounds the folder: when the detector falls that
far behind, :meth:`Spool.append` refuses with :class:`SpoolFull`.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kubeguard.model import SourceError, SourceLocation

MAGIC = b"KGR1"
_HEADER = struct.Struct("<4sII")
HEADER_SIZE = _HEADER.size
_PREFIX = "segment-"
_SUFFIX = ".spool"
#: A read of this many bytes at a time when searching for the next record after damage.
_SCAN_CHUNK = 1 << 20


class SpoolError(SourceError):
    """The spool folder cannot be used (permissions, disk full, a file that is not a segment)."""


class SpoolFull(SpoolError):
    """The spool holds ``max_bytes`` already: the detector is that far behind."""


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in the spool: a segment number and a byte offset in it."""

    segment: int
    offset: int

    def as_list(self) -> list[int]:
        """``[segment, offset]``, as the state file stores it."""
        return [self.segment, self.offset]


@dataclass(frozen=True, slots=True)
class Record:
    """One record read back: where it starts, where the next one starts, and its payload."""

    start: Position
    end: Position
    payload: bytes


@dataclass(slots=True)
class RecoveryReport:
    """What opening the spool found."""

    truncated_bytes: int = 0
    """Bytes cut from the newest segment after its last whole record (an unacknowledged write)."""
    segments: int = 0


def encode(payload: bytes) -> bytes:
    """One record: header then payload."""
    return _HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


class Spool:
    """Append-only, checksummed, segmented record log with group commit."""

    def __init__(
        self,
        folder: Path,
        *,
        segment_bytes: int = 64 << 20,
        max_bytes: int = 4 << 30,
        retain_consumed: int = 1,
    ) -> None:
        self.folder = folder
        self.segment_bytes = segment_bytes
        self.max_bytes = max_bytes
        self.retain_consumed = retain_consumed
        self.damaged_records = 0
        """Records skipped on reading because their checksum or header was wrong."""
        self._lock = threading.Condition()
        self._sizes: dict[int, int] = {}
        self._file: BinaryIO | None = None
        self._durable = Position(1, 0)
        self._closed = False

    # -- opening ---------------------------------------------------------------------------

    def open(self, committed: Position | None = None) -> RecoveryReport:
        """Create or reopen the folder; cut a torn tail off the newest segment."""
        report = RecoveryReport()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            numbers = sorted(self._segment_numbers())
            if not numbers:
                numbers = [committed.segment if committed else 1]
                self._path(numbers[0]).touch()
                _fsync_folder(self.folder)
            for number in numbers:
                self._sizes[number] = self._path(number).stat().st_size
            newest = numbers[-1]
            start = committed.offset if committed and committed.segment == newest else 0
            whole = self._last_whole_record_end(newest, start)
            if whole < self._sizes[newest]:
                report.truncated_bytes = self._sizes[newest] - whole
                with self._path(newest).open("r+b") as segment:
                    segment.truncate(whole)
                    os.fsync(segment.fileno())
                self._sizes[newest] = whole
            self._file = self._path(newest).open("ab")
        except OSError as error:
            raise self._error("cannot open the spool", error) from None
        self._durable = Position(newest, self._sizes[newest])
        report.segments = len(numbers)
        return report

    def _segment_numbers(self) -> Iterator[int]:
        for path in self.folder.glob(f"{_PREFIX}*{_SUFFIX}"):
            digits = path.name[len(_PREFIX) : -len(_SUFFIX)]
            if digits.isdigit():
                yield int(digits)

    def _path(self, number: int) -> Path:
        return self.folder / f"{_PREFIX}{number:020d}{_SUFFIX}"

    def _last_whole_record_end(self, number: int, start: int) -> int:
        """Where the last intact record of a segment ends (scanning from ``start``)."""
        end = start
        for record in self._scan(number, start, self._sizes[number]):
            end = record.end.offset
        return end

    @property
    def first_segment(self) -> int:
        """The oldest segment still on disk."""
        with self._lock:
            return min(self._sizes)

    @property
    def durable(self) -> Position:
        """The end of the flushed records: readers never go past it."""
        with self._lock:
            return self._durable

    @property
    def size(self) -> int:
        """Bytes in the spool folder's segments."""
        with self._lock:
            return sum(self._sizes.values())

    # -- writing ---------------------------------------------------------------------------

    def append(self, payloads: list[bytes]) -> Position:
        """Write ``payloads`` as records, flush them to disk, return the new end.

        Called from one writer thread. Raises :class:`SpoolFull` when the folder holds
        ``max_bytes`` and :class:`SpoolError` when the disk refuses the write.
        """
        encoded = [encode(payload) for payload in payloads]
        needed = sum(len(record) for record in encoded)
        with self._lock:
            if sum(self._sizes.values()) + needed > self.max_bytes:
                raise SpoolFull(
                    f"spool holds {sum(self._sizes.values())} bytes, the {self.max_bytes}-byte "
                    "limit: the detector is behind",
                    location=SourceLocation(str(self.folder)),
                )
            number = self._durable.segment
        try:
            if self._sizes[number] >= self.segment_bytes:
                number = self._next_segment(number)
            file = self._file
            if file is None:
                raise SpoolError("the spool is not open", location=SourceLocation(str(self.folder)))
            file.write(b"".join(encoded))
            file.flush()
            os.fdatasync(file.fileno())
        except OSError as error:
            raise self._error("cannot write to the spool", error) from None
        with self._lock:
            self._sizes[number] += needed
            self._durable = Position(number, self._sizes[number])
            self._lock.notify_all()
            return self._durable

    def _next_segment(self, number: int) -> int:
        new = number + 1
        if self._file is not None:
            self._file.close()
        self._file = self._path(new).open("ab")
        _fsync_folder(self.folder)
        with self._lock:
            self._sizes[new] = 0
        return new

    # -- reading ---------------------------------------------------------------------------

    def wait(self, after: Position, timeout: float) -> bool:
        """Wait until records exist past ``after`` (or the spool closes); whether they do."""
        with self._lock:
            if self._durable <= after and not self._closed:
                self._lock.wait(timeout)
            return self._durable > after

    def read(self, start: Position, limit: int = 1 << 30) -> Iterator[Record]:
        """Records from ``start`` up to the flushed end, about ``limit`` payload bytes at most."""
        end = self.durable
        position = start
        taken = 0
        while position < end and taken < limit:
            with self._lock:
                numbers = sorted(number for number in self._sizes if number >= position.segment)
            if not numbers:
                return
            number = numbers[0]
            offset = position.offset if number == position.segment else 0
            stop = end.offset if number == end.segment else self._sizes.get(number, 0)
            for record in self._scan(number, offset, stop):
                yield record
                taken += len(record.payload)
                if taken >= limit:
                    return
            if number >= end.segment:
                return
            position = Position(number + 1, 0)

    def _scan(self, number: int, offset: int, stop: int) -> Iterator[Record]:
        """Intact records of one segment between two offsets; damage is skipped and counted."""
        try:
            segment = self._path(number).open("rb")
        except FileNotFoundError:
            return
        with segment:
            segment.seek(offset)
            while offset + HEADER_SIZE <= stop:
                header = segment.read(HEADER_SIZE)
                magic, length, checksum = _HEADER.unpack(header)
                end = offset + HEADER_SIZE + length
                if magic == MAGIC and end <= stop:
                    payload = segment.read(length)
                    if zlib.crc32(payload) == checksum:
                        yield Record(Position(number, offset), Position(number, end), payload)
                        offset = end
                        continue
                following = self._next_magic(segment, offset + 1, stop)
                if following is None:
                    return
                self.damaged_records += 1
                offset = following
                segment.seek(offset)

    def _next_magic(self, segment: BinaryIO, offset: int, stop: int) -> int | None:
        """The offset of the next record header that checks out, ``None`` if there is none."""
        while offset + HEADER_SIZE <= stop:
            segment.seek(offset)
            chunk = segment.read(min(_SCAN_CHUNK, stop - offset))
            found = chunk.find(MAGIC)
            if found < 0:
                offset += max(1, len(chunk) - len(MAGIC) + 1)
                continue
            candidate = offset + found
            segment.seek(candidate)
            header = segment.read(HEADER_SIZE)
            if len(header) == HEADER_SIZE:
                _, length, checksum = _HEADER.unpack(header)
                fits = candidate + HEADER_SIZE + length <= stop
                if fits and zlib.crc32(segment.read(length)) == checksum:
                    return candidate
            offset = candidate + 1
        return None

    # -- releasing -------------------------------------------------------------------------

    def release(self, committed: Position) -> int:
        """Delete segments the detector finished, keeping ``retain_consumed``; how many went."""
        with self._lock:
            doomed = [n for n in self._sizes if n < committed.segment - self.retain_consumed]
            for number in doomed:
                del self._sizes[number]
        for number in doomed:
            try:
                self._path(number).unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                raise self._error("cannot delete a consumed spool segment", error) from None
        return len(doomed)

    def close(self) -> None:
        """Close the segment being written and wake every reader."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _error(self, what: str, error: OSError) -> SpoolError:
        where = SourceLocation(error.filename or str(self.folder))
        return SpoolError(f"{what}: {error.strerror or error}", location=where)


def _fsync_folder(folder: Path) -> None:
    """Make a created or renamed file's name durable."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
