"""Fan work out over the machine's cores by forking, and collect the results in order.

A scan is CPU-bound Python, so threads do not help; forked children inherit what the parent has
already built (the inventory, the compiled controls) without serialising it, and only their
results travel back, pickled, through a pipe. Where ``fork`` is unavailable, or one worker is
asked for, everything runs in the calling process. The first part always runs in the parent, so
N parts cost N-1 children.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Part = TypeVar("Part")
Result = TypeVar("Result")

#: Most worker processes used by default, whatever the core count.
MAX_DEFAULT_WORKERS = 8


class WorkerError(RuntimeError):
    """A forked worker failed; carries the worker's traceback text."""


def default_workers() -> int:
    """One worker per usable core, at most MAX_DEFAULT_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def can_fork() -> bool:
    """Whether this platform offers the ``fork`` start method."""
    # Imported here, like traceback for the children: a sequential run (one part) needs neither,
    # and multiprocessing (pickling, sockets, connections) costs more to load than small inputs
    # take to scan.
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def map_parts(
    function: Callable[[Part], Result],
    parts: Sequence[Part],
    *,
    encode: Callable[[Result], Any] | None = None,
    decode: Callable[[Any], Result] | None = None,
) -> list[Result]:
    """``[function(part) for part in parts]``, the parts after the first in forked children.

    A child's result is pickled to reach the parent; ``encode`` (in the child) and ``decode``
    (in the parent) may turn it into something cheaper to pickle and back. The parent's own part
    never crosses the pipe.
    """
    if len(parts) <= 1 or not can_fork():
        return [function(part) for part in parts]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children = []
    for part in parts[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_run_in_child, args=(function, encode, part, sender), daemon=True
        )
        child.start()
        sender.close()
        children.append((child, receiver))
    results = [function(parts[0])]
    for child, receiver in children:
        try:
            status, payload = receiver.recv()
        except EOFError:
            status, payload = "error", "worker process exited without a result"
        finally:
            receiver.close()
            child.join()
        if status == "error":
            raise WorkerError(payload)
        results.append(payload if decode is None else decode(payload))
    return results


def _run_in_child(
    function: Callable[[Any], Any],
    encode: Callable[[Any], Any] | None,
    part: Any,
    sender: Connection,
) -> None:
    import traceback

    try:
        result = function(part)
        # Sending pickles the result, which can fail too: report that failure like any other.
        sender.send(("ok", result if encode is None else encode(result)))
    except BaseException:  # every failure must reach the parent
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def split_contiguous(
    items: Sequence[Part], weights: Sequence[int], parts: int, *, first_share: float = 1.0
) -> list[list[Part]]:
    """Cut ``items`` into at most ``parts`` consecutive runs of similar total weight.

    Consecutive runs keep the combined results in the original order, so a parallel run reports
    exactly what a sequential one does. ``first_share`` sizes the first run (the one
    :func:`map_parts` keeps in the parent) against each of the others, for a parent that has
    other work to do beside its part.
    """
    parts = max(1, min(parts, len(items)))
    total = sum(weights)
    shares = [first_share] + [1.0] * (parts - 1)
    bounds = list(accumulate(share * total / sum(shares) for share in shares))
    groups: list[list[Part]] = []
    current: list[Part] = []
    done = 0
    for item, weight in zip(items, weights, strict=True):
        current.append(item)
        done += weight
        if len(groups) < parts - 1 and done >= bounds[len(groups)]:
            groups.append(current)
            current = []
    if current or not groups:
        groups.append(current)
    return groups
