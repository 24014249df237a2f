"""SELinux MCS levels that a pod and its containers set.

Container runtimes give every container process, and the files it owns, an MCS level such as
``s0:c123,c456``: a sensitivity and a pair of categories. A process may touch a file only if
its categories include the file's, so a distinct pair per workload is what keeps workloads apart
on a node. A level is written in ``securityContext.seLinuxOptions.level`` of the pod or of a
container; a container without one takes the pod's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubeguard.engines.posture.pss_fields import Setter
from kubeguard.engines.posture.security_contexts import security_context_owners
from kubeguard.engines.posture.views import WorkloadView

#: One sensitivity and exactly two categories, as the runtimes allocate them per pod.
_CATEGORY_PAIR = re.compile(r"s(\d+):c(\d+),c(\d+)")
LEVEL_KEYS = ("seLinuxOptions", "level")


def category_pair(level: str) -> tuple[int, int, int] | None:
    """``(sensitivity, lower category, higher category)``, or ``None`` unless ``level`` is one
    sensitivity with two distinct categories (``s0:c1,c2``)."""
    match = _CATEGORY_PAIR.fullmatch(level.strip())
    if match is None:
        return None
    sensitivity, first, second = (int(part) for part in match.groups())
    if first == second:
        return None
    return sensitivity, min(first, second), max(first, second)


def canonical_level(level: str) -> str:
    """The level in one spelling (``s0:c2,c1`` as ``s0:c1,c2``), so equal levels compare equal."""
    pair = category_pair(level)
    if pair is None:
        return level.strip()
    return "s{}:c{},c{}".format(*pair)


def selinux_levels(workload: WorkloadView) -> Iterator[tuple[Setter, str]]:
    """Each owner that writes a non-empty string ``seLinuxOptions.level``, with that level."""
    for setter in security_context_owners(workload):
        level = setter.get(*LEVEL_KEYS)
        if isinstance(level, str) and level.strip():
            yield setter, level
