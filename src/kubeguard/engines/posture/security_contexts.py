"""Security settings read across a pod and its containers, for kubeguard's own judgements.

The Pod Security Standards controls read these settings through
:mod:`kubeguard.engines.posture.pss_fields`; the controls here reuse its owners (the pod-level
``securityContext`` and every container's) but judge by kubeguard's rules, which apply at every
PSS level.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from kubeguard.engines.posture.control import Violation
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    Setter,
    container_setters,
    forbidden_settings,
    pod_setter,
    shown,
)
from kubeguard.engines.posture.views import WorkloadView

UNCONFINED = "unconfined"


def security_context_owners(workload: WorkloadView) -> Iterator[Setter]:
    """The pod-level ``securityContext``, then every container's."""
    return chain((pod_setter(workload),), container_setters(workload))


@dataclass(frozen=True, slots=True)
class ConfinementProfile:
    """A Linux security module profile a pod can set through a field and through annotations."""

    name: str
    """How messages name it: ``seccomp``, ``AppArmor``."""
    field: SecurityField
    """The ``securityContext`` field holding the profile type."""
    annotation_prefixes: tuple[str, ...]
    """Pod annotation keys (or key prefixes, for per-container keys) of the legacy form."""


def unconfined_violations(
    workload: WorkloadView, profile: ConfinementProfile
) -> Iterator[Violation]:
    """One violation per annotation or field that explicitly sets ``profile`` to unconfined."""
    for key, value in workload.pod_annotations.items():
        if (
            isinstance(key, str)
            and key.startswith(profile.annotation_prefixes)
            and _unconfined(value)
        ):
            yield Violation(
                path=workload.meta_path + ("annotations", key),
                message=f"annotation {key}: {value} turns {profile.name} confinement off",
                value=value,
            )
    for setting in forbidden_settings(
        workload, profile.field, lambda value: not _unconfined(value)
    ):
        yield Violation(
            path=setting.path,
            message=f"{setting.setter.label} sets {profile.field.dotted} to "
            f"{shown(setting.value)}, turning {profile.name} confinement off",
            value=setting.value,
        )


def _unconfined(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == UNCONFINED
