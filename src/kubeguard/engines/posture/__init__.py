"""Posture: controls over the objects of one scan."""

from kubeguard.engines.posture.control import CheckContext, Control, Violation, control
from kubeguard.engines.posture.engine import evaluate, load_controls, select_controls
from kubeguard.engines.posture.pss import PssLevel, parse_pss_version
from kubeguard.engines.posture.settings import PostureSettings

__all__ = [
    "CheckContext",
    "Control",
    "PostureSettings",
    "PssLevel",
    "Violation",
    "control",
    "evaluate",
    "load_controls",
    "parse_pss_version",
    "select_controls",
]
