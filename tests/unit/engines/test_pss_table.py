"""Which PSS check is in force at which level and version (upstream revision and override rules)."""

from __future__ import annotations

import pytest

from kubeguard.engines.posture.pss import PSS_CHECKS, PssLevel, check_applies, parse_pss_version
from kubeguard.model import ConfigError

B, R = PssLevel.BASELINE, PssLevel.RESTRICTED


@pytest.mark.parametrize(
    ("check", "level", "version", "applies"),
    [
        ("privileged", B, 0, True),
        ("privileged", R, None, True),
        ("privileged", PssLevel.PRIVILEGED, None, False),
        ("runAsNonRoot", B, None, False),
        ("hostPathVolumes", B, 5, True),
        ("hostPathVolumes", R, 5, False),  # replaced by restrictedVolumes
        ("allowPrivilegeEscalation", R, 7, False),  # first revision v1.8
        ("allowPrivilegeEscalation", R, 8, True),
        ("seccompProfile_baseline", R, 18, True),
        ("seccompProfile_baseline", R, 19, False),  # replaced from v1.19
        ("seccompProfile_restricted", R, 18, False),
        ("capabilities_baseline", R, 21, True),
        ("capabilities_baseline", R, 22, False),
        ("runAsUser", R, 22, False),
        ("runAsUser", R, 23, True),
        ("hostProbesAndHostLifecycle", B, 33, False),
        ("hostProbesAndHostLifecycle", B, 34, True),
        ("procMount", R, 34, True),
        ("procMount", R, 35, False),
        ("procMount_restricted", R, 99, True),  # newer than known behaves as latest
    ],
)
def test_check_applies(check: str, level: PssLevel, version: int | None, applies: bool) -> None:
    assert check in PSS_CHECKS
    assert check_applies(check, level, version) is applies


def test_versions_parse_and_reject() -> None:
    assert parse_pss_version("latest") is None
    assert parse_pss_version("v1.25") == 25
    for bad in ("1.25", "v2.0", "v1.x", ""):
        with pytest.raises(ConfigError, match=r"v1\.N or latest"):
            parse_pss_version(bad)
