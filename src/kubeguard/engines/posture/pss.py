"""Pod Security Standards: levels, policy versions, and which check is in force when.

The checks themselves are posture controls (``refs={"pss": "<checkID>"}``); this module holds the
part of upstream Pod Security Admission that decides *whether* a check applies at a level and
version, and which revision of it: a check's revisions start at given minor versions, the newest
revision not newer than the requested version is used, and some restricted checks replace a
baseline check from a given version on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kubeguard.model import ConfigError


class PssLevel(StrEnum):
    """The three Pod Security Standards levels."""

    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


#: Newest policy minor version whose semantics kubeguard knows; ``latest`` evaluates as this.
LATEST_KNOWN_MINOR = 37


@dataclass(frozen=True, slots=True)
class PssCheck:
    """Upstream metadata of one PSS check."""

    id: str
    level: PssLevel
    revisions: tuple[int, ...]
    """Minor versions at which the check's revisions start; the first is when it appears."""
    replaces: str | None = None
    """The baseline check this restricted check overrides."""
    replaces_since: int = 0
    """The minor version from which the override holds."""


PSS_CHECKS: dict[str, PssCheck] = {
    check.id: check
    for check in (
        PssCheck("hostNamespaces", PssLevel.BASELINE, (0,)),
        PssCheck("privileged", PssLevel.BASELINE, (0,)),
        PssCheck("capabilities_baseline", PssLevel.BASELINE, (0,)),
        PssCheck("hostPathVolumes", PssLevel.BASELINE, (0,)),
        PssCheck("hostPorts", PssLevel.BASELINE, (0,)),
        PssCheck("appArmorProfile", PssLevel.BASELINE, (0,)),
        PssCheck("seLinuxOptions", PssLevel.BASELINE, (0, 31)),
        PssCheck("procMount", PssLevel.BASELINE, (0, 35)),
        PssCheck("seccompProfile_baseline", PssLevel.BASELINE, (0, 19)),
        PssCheck("sysctls", PssLevel.BASELINE, (0, 27, 29, 32, 37)),
        PssCheck("windowsHostProcess", PssLevel.BASELINE, (0,)),
        PssCheck("hostProbesAndHostLifecycle", PssLevel.BASELINE, (34,)),
        PssCheck("restrictedVolumes", PssLevel.RESTRICTED, (0,), "hostPathVolumes", 0),
        PssCheck("allowPrivilegeEscalation", PssLevel.RESTRICTED, (8, 25)),
        PssCheck("runAsNonRoot", PssLevel.RESTRICTED, (0, 35)),
        PssCheck("runAsUser", PssLevel.RESTRICTED, (23, 35)),
        PssCheck(
            "seccompProfile_restricted",
            PssLevel.RESTRICTED,
            (19, 25),
            "seccompProfile_baseline",
            19,
        ),
        PssCheck(
            "capabilities_restricted", PssLevel.RESTRICTED, (22, 25), "capabilities_baseline", 22
        ),
        PssCheck("procMount_restricted", PssLevel.RESTRICTED, (35,), "procMount", 35),
    )
}

_VERSION = re.compile(r"^v1\.(\d+)$")


def parse_pss_version(text: str) -> int | None:
    """``v1.N`` to ``N``; ``latest`` to ``None``. Raises ConfigError otherwise."""
    if text == "latest":
        return None
    match = _VERSION.match(text)
    if match is None:
        raise ConfigError(f"invalid Pod Security Standards version {text!r}: use v1.N or latest")
    return int(match.group(1))


def effective_minor(version: int | None) -> int:
    """The minor version whose semantics apply (``latest`` and newer-than-known: the newest)."""
    if version is None or version > LATEST_KNOWN_MINOR:
        return LATEST_KNOWN_MINOR
    return version


def check_applies(check_id: str, level: PssLevel, version: int | None) -> bool:
    """Whether PSA evaluates ``check_id`` for a pod at ``level`` and ``version``."""
    check = PSS_CHECKS[check_id]
    minor = effective_minor(version)
    if level == PssLevel.PRIVILEGED or minor < check.revisions[0]:
        return False
    if level == PssLevel.BASELINE:
        return check.level == PssLevel.BASELINE
    return not any(
        other.replaces == check_id and minor >= other.replaces_since and minor >= other.revisions[0]
        for other in PSS_CHECKS.values()
    )


def level_text(level: PssLevel, version: int | None) -> str:
    """``restricted:v1.30`` or ``restricted:latest``, as PSA's audit annotations write it."""
    return f"{level}:{'latest' if version is None else f'v1.{version}'}"
