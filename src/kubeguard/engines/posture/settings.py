"""What a posture scan is asked to check: levels, versions and control inputs."""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.engines.posture.pss import PssLevel


@dataclass(frozen=True, slots=True)
class PostureSettings:
    """Inputs that change how controls judge, set from flags and the config file."""

    pss_level: PssLevel = PssLevel.RESTRICTED
    """Pod Security Standards level the PSS controls enforce."""
    pss_version: int | None = None
    """PSS policy version as the minor of ``v1.N``; ``None`` is ``latest``."""
    allowed_registries: tuple[str, ...] = ()
    """Image registry prefixes allowed by the approved-registry control; empty allows all."""
