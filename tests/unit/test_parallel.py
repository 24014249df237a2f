"""Forked fan-out: results in order, failures surfaced, balanced splits."""

from __future__ import annotations

import os

import pytest

from kubeguard.parallel import WorkerError, can_fork, map_parts, split_contiguous


def _pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def _fail(value: int) -> int:
    if value == 2:
        raise ValueError("boom in worker")
    return value


@pytest.mark.skipif(not can_fork(), reason="fork is not available on this platform")
def test_results_come_back_in_order_from_other_processes() -> None:
    results = map_parts(_pid_and_square, [1, 2, 3])
    assert [square for _, square in results] == [1, 4, 9]
    assert results[0][0] == os.getpid()
    assert len({pid for pid, _ in results}) == 3


@pytest.mark.skipif(not can_fork(), reason="fork is not available on this platform")
def test_a_failing_worker_raises_with_its_traceback() -> None:
    with pytest.raises(WorkerError, match="boom in worker"):
        map_parts(_fail, [1, 2])


@pytest.mark.skipif(not can_fork(), reason="fork is not available on this platform")
def test_only_results_from_children_are_encoded_for_the_pipe() -> None:
    def encode(result: tuple[int, int]) -> str:
        return f"{result[0]}:{result[1]}:{os.getpid()}"

    def decode(text: str) -> tuple[int, int]:
        pid, square, encoded_by = (int(part) for part in text.split(":"))
        assert encoded_by == pid != os.getpid()
        return pid, -square

    results = map_parts(_pid_and_square, [1, 2, 3], encode=encode, decode=decode)
    assert [square for _, square in results] == [1, -4, -9]


def test_single_part_runs_in_process() -> None:
    assert map_parts(_pid_and_square, [3]) == [(os.getpid(), 9)]


def test_split_contiguous_keeps_order_and_balances() -> None:
    groups = split_contiguous(list("abcdef"), [10, 1, 1, 1, 1, 6], 2)
    assert groups == [["a"], ["b", "c", "d", "e", "f"]]
    assert [x for g in split_contiguous(list("abcdef"), [1] * 6, 3) for x in g] == list("abcdef")
    assert split_contiguous(list("abcdef"), [1] * 6, 3) == [["a", "b"], ["c", "d"], ["e", "f"]]
    assert split_contiguous(["x"], [1], 4) == [["x"]]
    assert split_contiguous([], [], 4) == [[]]


def _unpicklable(value: int) -> object:
    return (lambda: value) if value == 2 else value


@pytest.mark.skipif(not can_fork(), reason="fork is not available on this platform")
def test_a_result_that_cannot_be_sent_is_reported_as_such() -> None:
    with pytest.raises(WorkerError, match="pickle"):
        map_parts(_unpicklable, [1, 2])


def test_split_contiguous_gives_the_first_part_its_share() -> None:
    items = list(range(30))
    first, second = split_contiguous(items, [1] * 30, 2, first_share=0.5)
    assert first + second == items
    assert len(first) == 10  # a half of the second's 20
    assert [len(part) for part in split_contiguous(items, [1] * 30, 2)] == [15, 15]
