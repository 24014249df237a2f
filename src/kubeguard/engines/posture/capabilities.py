"""Linux capabilities a container adds, under one canonical spelling.

Container runtimes and their front ends disagree on how a capability may be written (``SYS_ADMIN``,
``CAP_SYS_ADMIN``, ``sys_admin``), and the intent is the same in every spelling, so kubeguard's
own capability judgements compare canonical names: upper case, without the ``CAP_`` prefix. (The
Pod Security Standards compare the strings exactly, as the API server does; their controls do
not use this module.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubeguard.engines.posture.control import Violation
from kubeguard.engines.posture.views import WorkloadView, as_list

_PREFIX = "CAP_"


def canonical_capability(name: str) -> str:
    """``cap_sys_admin`` and ``SYS_ADMIN`` alike as ``SYS_ADMIN``."""
    return name.strip().upper().removeprefix(_PREFIX)


def added_capability_violations(
    workload: WorkloadView, forbidden: Mapping[str, str]
) -> Iterator[Violation]:
    """One violation per ``capabilities.add`` entry naming a capability in ``forbidden``.

    ``forbidden`` maps canonical names to what the capability allows, for the message.
    """
    for container in workload.containers():
        added = as_list(container.security("capabilities", "add"))
        for index, name in enumerate(added):
            if not isinstance(name, str):
                continue
            canonical = canonical_capability(name)
            if canonical in forbidden:
                yield Violation(
                    path=container.path("securityContext", "capabilities", "add", index),
                    message=f"{container.label} adds {name!r}: {forbidden[canonical]}",
                    value=name,
                )
