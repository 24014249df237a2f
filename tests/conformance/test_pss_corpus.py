"""The PSS controls judge every upstream Pod Security Admission conformance fixture as PSA does.

The corpus (kubernetes/pod-security-admission ``test/testdata``) encodes the verdict in the path:
``<level>/v1.<minor>/<pass|fail>/<name>.yaml``. Each fixture goes through the real path, read by
``read_manifests``, judged by the controls ``select_controls`` keeps for ``--framework pss`` at
that level and version. A ``fail`` fixture must yield a FAIL whose message carries the forbidden
reason of the check the fixture is named after (or of the restricted check that replaces it); a
``pass`` fixture must yield no FAIL. One test per level and version lists every misjudged file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kubeguard.engines.posture import (
    Control,
    PostureSettings,
    PssLevel,
    evaluate,
    load_controls,
    select_controls,
)
from kubeguard.engines.posture.pss import LATEST_KNOWN_MINOR, PSS_CHECKS, check_applies
from kubeguard.model import Finding, Inventory, K8sObject, Status
from kubeguard.sources import read_manifests
from tests.conftest import corpus_dir

#: The forbidden reason PSA writes for each check; a rejection message must contain it.
FORBIDDEN_REASONS = {
    "privileged": "privileged",
    "hostNamespaces": "host namespaces",
    "capabilities_baseline": "non-default capabilities",
    "capabilities_restricted": "unrestricted capabilities",
    "hostPathVolumes": "hostPath",
    "hostPorts": "hostPort",
    "appArmorProfile": "forbidden AppArmor profile",
    "seLinuxOptions": "seLinuxOptions",
    "procMount": "procMount",
    "procMount_restricted": "procMount",
    "seccompProfile_baseline": "seccompProfile",
    "seccompProfile_restricted": "seccompProfile",
    "sysctls": "forbidden sysctls",
    "windowsHostProcess": "hostProcess",
    "hostProbesAndHostLifecycle": "probe or lifecycle host",
    "restrictedVolumes": "restricted volume types",
    "allowPrivilegeEscalation": "allowPrivilegeEscalation != false",
    "runAsNonRoot": "runAsNonRoot != true",
    "runAsUser": "runAsUser=0",
}
#: Fixture names that start from the minimal valid pod and exercise no check.
BASE_FIXTURES = frozenset({"base", "base_linux", "base_windows"})
LEVELS = (PssLevel.BASELINE, PssLevel.RESTRICTED)
FIXTURE_COUNT = 4537

CONTROLS = load_controls()
#: The PSS check of every control that implements one, from the controls' metadata.
IMPLEMENTED_CHECKS = [check for control in CONTROLS if (check := control.pss_check) is not None]
#: Fixture name prefix (the lower-cased check id) to check id.
CHECK_BY_FIXTURE_NAME = {check.lower(): check for check in IMPLEMENTED_CHECKS}


def test_every_pss_check_is_one_control_with_a_known_reason() -> None:
    assert sorted(IMPLEMENTED_CHECKS) == sorted(PSS_CHECKS), "one control per PSS check"
    assert set(FORBIDDEN_REASONS) == set(PSS_CHECKS)


def test_corpus_is_complete() -> None:
    root = corpus_dir("psa", "testdata")
    fixtures = list(root.glob("*/v1.*/*/*.yaml"))
    assert len(fixtures) == FIXTURE_COUNT
    folders = {(path.parts[-4], path.parts[-3]) for path in fixtures}
    expected = {(level.value, f"v1.{minor}") for level, minor in _levels_and_minors()}
    assert folders == expected, "the parametrized folders must be exactly the corpus folders"


def _levels_and_minors() -> list[tuple[PssLevel, int]]:
    return [(level, minor) for level in LEVELS for minor in range(LATEST_KNOWN_MINOR + 1)]


def expected_check(fixture: Path, level: PssLevel, minor: int) -> str | None:
    """The check whose reason a rejection of ``fixture`` must carry at ``level`` and ``minor``.

    A fixture is named after the check it violates; at restricted, a baseline check replaced by a
    restricted one (hostPathVolumes by restrictedVolumes …) is reported under the replacement.
    """
    check = CHECK_BY_FIXTURE_NAME.get(re.sub(r"\d+$", "", fixture.stem))
    if check is None or check_applies(check, level, minor):
        return check
    replacements = [
        other.id
        for other in PSS_CHECKS.values()
        if other.replaces == check and check_applies(other.id, level, minor)
    ]
    return replacements[0] if replacements else None


@pytest.mark.parametrize(
    ("level", "minor"),
    _levels_and_minors(),
    ids=[f"{level}-v1.{minor}" for level, minor in _levels_and_minors()],
)
def test_fixtures_are_judged_as_upstream(level: PssLevel, minor: int) -> None:
    folder = corpus_dir("psa", "testdata", level.value, f"v1.{minor}")
    settings = PostureSettings(pss_level=level, pss_version=minor)
    controls = select_controls(CONTROLS, settings, framework="pss")
    misjudged = [
        f"{verdict}/{fixture.name}: {problem}"
        for verdict in ("pass", "fail")
        for fixture in sorted((folder / verdict).glob("*.yaml"))
        if (problem := _misjudgement(fixture, verdict, level, minor, controls, settings))
    ]
    assert not misjudged, f"{level} v1.{minor}: {len(misjudged)} misjudged\n" + "\n".join(misjudged)


def _misjudgement(
    fixture: Path,
    verdict: str,
    level: PssLevel,
    minor: int,
    controls: list[Control[Any]],
    settings: PostureSettings,
) -> str | None:
    items = list(read_manifests([str(fixture)]))
    objects = [item for item in items if isinstance(item, K8sObject)]
    if len(objects) != 1 or len(items) != 1:
        return f"expected one Pod, read {items!r}"
    findings = list(evaluate(Inventory(objects), controls, settings))
    errors = [f for f in findings if f.status is Status.ERROR]
    if errors:
        return "errors: " + _messages(errors)
    failures = [f for f in findings if f.status is Status.FAIL]
    if verdict == "pass":
        return f"rejected: {_messages(failures)}" if failures else None
    if fixture.stem in BASE_FIXTURES:
        return "a base fixture cannot be expected to fail"
    check = expected_check(fixture, level, minor)
    if check is None:
        return "no check in force is named by this fixture"
    reason = FORBIDDEN_REASONS[check]
    if not any(reason in failure.message for failure in failures):
        return f"expected a {check} rejection ({reason!r}), got: {_messages(failures) or 'none'}"
    return None


def _messages(findings: list[Finding]) -> str:
    return "; ".join(f"{finding.control_id} {finding.message}" for finding in findings)
