"""The spool: records come back in order and intact; torn tails and damage are handled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kubeguard.webhook.spool import HEADER_SIZE, Position, Spool, SpoolFull


@pytest.fixture
def make_spool() -> Iterator[Callable[..., Spool]]:
    opened: list[Spool] = []

    def make(folder: Path, **options: int) -> Spool:
        spool = Spool(folder, **options)
        spool.open()
        opened.append(spool)
        return spool

    yield make
    for spool in opened:
        spool.close()


def payloads(count: int, size: int = 100, tag: str = "r") -> list[bytes]:
    return [f"{tag}{i:06d}".encode().ljust(size, b".") for i in range(count)]


def read_all(spool: Spool, start: Position | None = None) -> list[bytes]:
    return [record.payload for record in spool.read(start or Position(spool.first_segment, 0))]


def segment_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("segment-*.spool"))


def test_records_come_back_in_order_across_segments(tmp_path, make_spool):
    spool = make_spool(tmp_path, segment_bytes=1000)
    written = payloads(30)
    for start in range(0, 30, 4):
        spool.append(written[start : start + 4])
    assert read_all(spool) == written
    assert len(segment_files(tmp_path)) == 3  # rolled over at 1000 bytes
    # Reading from the end of any record continues with the next one.
    records = list(spool.read(Position(1, 0)))
    assert [r.payload for r in spool.read(records[10].end)] == written[11:]


def test_consumed_segments_are_released_keeping_one(tmp_path, make_spool):
    spool = make_spool(tmp_path, segment_bytes=1000, retain_consumed=1)
    for start in range(0, 40, 4):
        spool.append(payloads(40)[start : start + 4])
    before = len(segment_files(tmp_path))
    committed = spool.durable
    assert spool.release(committed) == before - 2
    assert [int(p.name[8:-6]) for p in segment_files(tmp_path)] == [
        committed.segment - 1,
        committed.segment,
    ]
    assert spool.size == sum(p.stat().st_size for p in segment_files(tmp_path))


def test_a_torn_tail_is_cut_on_open_and_writing_goes_on(tmp_path, make_spool):
    spool = make_spool(tmp_path)
    spool.append(payloads(3))
    spool.close()
    [segment] = segment_files(tmp_path)
    intact = segment.stat().st_size
    torn = b"KGR1\x00\x10\x00\x00partial"  # a crash in the middle of a write
    with segment.open("ab") as file:
        file.write(torn)

    reopened = Spool(tmp_path)
    report = reopened.open()
    reopened.append([b"after"])
    reopened.close()
    assert report.truncated_bytes == len(torn)
    assert segment.stat().st_size == intact + HEADER_SIZE + len(b"after")
    assert read_all(make_spool(tmp_path)) == [*payloads(3), b"after"]


def test_a_damaged_record_is_skipped_and_counted(tmp_path, make_spool):
    spool = make_spool(tmp_path)
    written = payloads(3)
    spool.append(written)
    [segment] = segment_files(tmp_path)
    data = bytearray(segment.read_bytes())
    second = 2 * HEADER_SIZE + len(written[0]) + 5
    data[second] ^= 0xFF  # one flipped bit in the second payload
    segment.write_bytes(bytes(data))
    assert read_all(spool) == [written[0], written[2]]
    assert spool.damaged_records == 1


def test_a_full_spool_refuses_more(tmp_path, make_spool):
    spool = make_spool(tmp_path, max_bytes=1000)
    spool.append(payloads(5))
    with pytest.raises(SpoolFull, match="detector is behind"):
        spool.append(payloads(5))
    assert read_all(spool) == payloads(5)


def test_readers_never_see_past_the_flushed_end(tmp_path, make_spool):
    spool = make_spool(tmp_path)
    spool.append([b"one"])
    end = spool.durable
    assert not spool.wait(end, 0.01)
    spool.append([b"two"])
    assert spool.wait(end, 0.01)
    assert [r.payload for r in spool.read(end)] == [b"two"]
