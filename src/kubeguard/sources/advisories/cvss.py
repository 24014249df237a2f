"""CVSS base scores from vectors, with the formulas of the FIRST specifications.

Version 3.0 and 3.1 (``CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H``) and version 2
(``AV:N/AC:L/Au:N/C:P/I:P/A:P``) vectors get their base score; the temporal and environmental
metrics, when a vector carries them, do not change it. A vector with a missing or unknown base
metric has no score. Version 4.0 scores come from a lookup table of the specification's
macro-vectors, which kubeguard does not ship: such vectors are kept, without a score.

Severity bands are those of CVSS v3 (and NVD's for v2): 0.1 to 3.9 low, 4.0 to 6.9
medium, 7.0 to 8.9 high, 9.0 to 10.0 critical; a score of 0.0 is informational.
"""

from __future__ import annotations

import math

from kubeguard.model import Severity
from kubeguard.model.advisory import ScoreType, SeverityScore

_V3_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
#: Privileges Required weighs more when the scope changes.
_V3_PRIVILEGES = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}

_V2_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"L": 0.395, "A": 0.646, "N": 1.0},
    "AC": {"H": 0.35, "M": 0.61, "L": 0.71},
    "Au": {"M": 0.45, "S": 0.56, "N": 0.704},
    "C": {"N": 0.0, "P": 0.275, "C": 0.660},
    "I": {"N": 0.0, "P": 0.275, "C": 0.660},
    "A": {"N": 0.0, "P": 0.275, "C": 0.660},
}


def _metrics(parts: list[str]) -> dict[str, str] | None:
    metrics: dict[str, str] = {}
    for part in parts:
        name, colon, value = part.partition(":")
        if not colon or not name or name in metrics:
            return None
        metrics[name] = value
    return metrics


def _roundup_31(value: float) -> float:
    """CVSS 3.1 Appendix A ``Roundup``: the smallest one-decimal number ≥ ``value``, float-safe."""
    integer = round(value * 100000)
    if integer % 10000 == 0:
        return integer / 100000.0
    return (math.floor(integer / 10000) + 1) / 10.0


def _roundup_30(value: float) -> float:
    return math.ceil(value * 10) / 10


def cvss3_base_score(vector: object) -> float | None:
    """The base score of a CVSS 3.0/3.1 vector, or ``None`` if it is not a complete one."""
    if not isinstance(vector, str):
        return None
    prefix, _, rest = vector.strip().partition("/")
    if prefix not in ("CVSS:3.0", "CVSS:3.1"):
        return None
    metrics = _metrics(rest.split("/"))
    if metrics is None:
        return None
    try:
        scope = metrics["S"]
        privileges = _V3_PRIVILEGES[scope][metrics["PR"]]
        weights = {name: table[metrics[name]] for name, table in _V3_WEIGHTS.items()}
    except KeyError:
        return None
    roundup = _roundup_31 if prefix == "CVSS:3.1" else _roundup_30
    iss = 1 - (1 - weights["C"]) * (1 - weights["I"]) * (1 - weights["A"])
    changed = scope == "C"
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    exploitability = 8.22 * weights["AV"] * weights["AC"] * privileges * weights["UI"]
    if impact <= 0:
        return 0.0
    total = impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    return roundup(min(total, 10.0))


def cvss2_base_score(vector: object) -> float | None:
    """The base score of a CVSS 2 vector (``(AV:N/…)`` parentheses allowed), or ``None``."""
    if not isinstance(vector, str):
        return None
    text = vector.strip().removeprefix("(").removesuffix(")").removeprefix("CVSS:2.0/")
    metrics = _metrics(text.split("/"))
    if metrics is None:
        return None
    try:
        weights = {name: table[metrics[name]] for name, table in _V2_WEIGHTS.items()}
    except KeyError:
        return None
    impact = 10.41 * (1 - (1 - weights["C"]) * (1 - weights["I"]) * (1 - weights["A"]))
    exploitability = 20 * weights["AV"] * weights["AC"] * weights["Au"]
    factor = 0.0 if impact == 0 else 1.176
    score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * factor
    # Half-up to one decimal, as the v2 specification's round_to_1_decimal.
    return math.floor(score * 10 + 0.5 + 1e-9) / 10


def severity_of_score(score: float) -> Severity:
    """The CVSS v3 qualitative rating of a base score."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


#: Words distributions and databases rate with (Debian urgency, GHSA, Ubuntu priority).
_WORDS = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "low": Severity.LOW,
    "negligible": Severity.INFO,
    "unimportant": Severity.INFO,
}


def severity_of_word(word: object) -> Severity | None:
    """A distro's or database's rating word as a severity (``high**`` counts as ``high``)."""
    if not isinstance(word, str):
        return None
    return _WORDS.get(word.strip().rstrip("*").strip().lower())


def score_vector(kind: str, vector: str) -> SeverityScore | None:
    """An OSV ``severity[]`` entry as a :class:`SeverityScore`, ``None`` for an unknown type."""
    if kind == ScoreType.CVSS_V3:
        score = cvss3_base_score(vector)
    elif kind == ScoreType.CVSS_V2:
        score = cvss2_base_score(vector)
    elif kind == ScoreType.CVSS_V4:
        score = None
    elif kind == "Ubuntu":
        return distro_rating(vector)
    else:
        return None
    severity = None if score is None else severity_of_score(score)
    return SeverityScore(ScoreType(kind), vector, score, severity)


def distro_rating(word: str) -> SeverityScore | None:
    """A rating word as a :class:`SeverityScore`, ``None`` if the word rates nothing."""
    severity = severity_of_word(word)
    if severity is None:
        return None
    return SeverityScore(ScoreType.DISTRO, word, None, severity)
