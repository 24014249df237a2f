"""PSS controls survive wrong types anywhere in a pod spec, and never read them as allowed."""

from __future__ import annotations

from typing import Any

import pytest

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.engine import MALFORMED_OBJECT
from kubeguard.model import Finding, Inventory, K8sObject, SourceLocation, Status

PSS_CONTROLS = [control for control in load_controls() if control.pss_check is not None]

WRONG_TYPES: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "hostile",
        "annotations": {"container.apparmor.security.beta.kubernetes.io/app": 7, 3: "x"},
    },
    "spec": {
        "hostNetwork": "yes",
        "securityContext": {
            "sysctls": ["kernel.msgmax", {"name": ["x"]}],
            "seccompProfile": "RuntimeDefault",
            "seLinuxOptions": ["spc_t"],
            "runAsNonRoot": "true",
            "windowsOptions": 1,
        },
        "volumes": [{"name": "v", 5: {}, "nfs": {"server": "a"}}, "scratch", None],
        "initContainers": "setup",
        "containers": [
            "not-a-container",
            {
                "name": ["app"],
                "ports": [{"hostPort": "8080"}, 80],
                "livenessProbe": {"httpGet": "host"},
                "lifecycle": {"preStop": {"tcpSocket": {"host": {"ip": "10.0.0.1"}}}},
                "securityContext": {
                    "capabilities": {"add": [{"name": "SYS_ADMIN"}, None], "drop": "ALL"},
                    "procMount": ["Unmasked"],
                    "appArmorProfile": {"type": {"x": 1}},
                    "runAsUser": "0",
                },
            },
        ],
    },
}

#: Checks whose malformed field above must still be judged a violation, not silently allowed.
MUST_FAIL = {
    "KG-POD-004",
    "KG-POD-005",
    "KG-POD-008",
    "KG-POD-009",
    "KG-POD-011",
    "KG-POD-013",
    "KG-POD-014",
    "KG-POD-016",
    "KG-POD-017",
    "KG-POD-018",
}


@pytest.mark.parametrize("version", [0, 18, 25, 35, None])
def test_wrong_types_do_not_crash(version: int | None) -> None:
    findings = _findings(PostureSettings(pss_version=version))
    assert {f.status for f in findings} <= {Status.PASS, Status.FAIL}


def test_wrong_types_are_not_read_as_allowed() -> None:
    failing = {f.control_id for f in _findings(PostureSettings()) if f.status is Status.FAIL}
    assert failing >= MUST_FAIL


def _findings(settings: PostureSettings) -> list[Finding]:
    obj = K8sObject(WRONG_TYPES, SourceLocation("hostile.yaml"))
    findings = evaluate(Inventory([obj]), PSS_CONTROLS, settings, debug=True)
    return [f for f in findings if f.control_id != MALFORMED_OBJECT]
