"""``kubeguard scan --framework pss`` rejects exactly what PSA would at the level and version asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.cli.main import main

PLAIN_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: plain}
spec:
  containers:
    - {name: app, image: registry.example/app:1.0}
"""

SECCOMP_ANNOTATION_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: legacy-seccomp
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example/app:1.0
      securityContext:
        allowPrivilegeEscalation: false
"""

NODE_ACCESS_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: node-access}
spec:
  hostNetwork: true
  volumes:
    - {name: logs, hostPath: {path: /var/log}}
  containers:
    - name: app
      image: registry.example/app:1.0
      securityContext:
        capabilities: {add: [NET_RAW]}
"""

WINDOWS_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: windows}
spec:
  os: {name: windows}
  securityContext: {runAsNonRoot: true}
  containers:
    - {name: app, image: registry.example/app:1.0}
"""

USER_NAMESPACE_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: user-namespace}
spec:
  hostUsers: false
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: registry.example/app:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
        procMount: Unmasked
"""

RESTRICTED_V1_25_BASICS = {"KG-POD-003", "KG-POD-005", "KG-POD-013", "KG-POD-018"}


@pytest.mark.parametrize(
    ("manifest", "level", "version", "failing"),
    [
        pytest.param(PLAIN_POD, "baseline", "v1.25", set(), id="plain-baseline"),
        pytest.param(PLAIN_POD, "restricted", "v1.25", RESTRICTED_V1_25_BASICS, id="plain-restr"),
        pytest.param(SECCOMP_ANNOTATION_POD, "baseline", "v1.18", {"KG-POD-012"}, id="ann-v1.18"),
        pytest.param(SECCOMP_ANNOTATION_POD, "baseline", "v1.19", set(), id="ann-v1.19"),
        pytest.param(
            NODE_ACCESS_POD,
            "baseline",
            "v1.25",
            {"KG-POD-002", "KG-POD-004", "KG-POD-006"},
            id="node-access-baseline",
        ),
        pytest.param(
            NODE_ACCESS_POD,
            "restricted",
            "v1.25",
            {"KG-POD-002", "KG-POD-017", *RESTRICTED_V1_25_BASICS},
            id="node-access-restricted",
        ),
        pytest.param(WINDOWS_POD, "restricted", "v1.25", set(), id="windows-v1.25"),
        pytest.param(
            WINDOWS_POD,
            "restricted",
            "v1.24",
            {"KG-POD-003", "KG-POD-005", "KG-POD-013"},
            id="windows-v1.24",
        ),
        pytest.param(USER_NAMESPACE_POD, "baseline", "v1.34", {"KG-POD-011"}, id="userns-v1.34"),
        pytest.param(USER_NAMESPACE_POD, "baseline", "v1.35", set(), id="userns-v1.35"),
        pytest.param(
            USER_NAMESPACE_POD, "restricted", "v1.35", {"KG-POD-030"}, id="userns-restricted"
        ),
    ],
)
def test_scan_fails_what_psa_rejects(
    tmp_path: Path, manifest: str, level: str, version: str, failing: set[str]
) -> None:
    source = tmp_path / "pod.yaml"
    source.write_text(manifest)
    report = tmp_path / "report.json"
    argv = ["scan", str(source), "--framework", "pss", "--pss", level, "--pss-version", version]
    code = main([*argv, "--format", "json", "-o", str(report)])
    findings = json.loads(report.read_text())["findings"]
    assert {f["control_id"] for f in findings if f["status"] == "fail"} == failing
    assert code == (ExitCode.FINDINGS if failing else ExitCode.CLEAN)
