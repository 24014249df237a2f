"""Containers must run with a read-only root filesystem.

A writable root filesystem lets an intruder drop tools, rewrite binaries and libraries of the
image, or plant files that later processes trust, and what is written there disappears with the
container, which hampers investigation. With ``readOnlyRootFilesystem: true`` the image stays as
built; the application writes only to volumes made for it (an ``emptyDir`` for ``/tmp``, a
persistent volume for data). Every Linux container must set it explicitly, init and ephemeral
containers included. Windows pods are exempt: Windows containers cannot mount a read-only root.
"""

import json
from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-020",
    title="Containers have a read-only root filesystem",
    severity=Severity.MEDIUM,
    remediation=(
        "Set securityContext.readOnlyRootFilesystem: true on every container and mount an "
        "emptyDir or another volume where the application must write."
    ),
    refs={
        "nsa": "Pod security: immutable container file systems",
        "kubescape": "C-0017",
        "checkov": "CKV_K8S_22",
        "trivy": "KSV014",
        "polaris": "notReadOnlyRootFilesystem",
        "kube-score": "container-security-context-readonlyrootfilesystem",
        "hardeneks": "check_read_only_root_file_system",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if workload.is_windows:
        return
    for container in workload.containers():
        value = container.security("readOnlyRootFilesystem")
        if value is not True:
            yield Violation(
                path=container.path("securityContext", "readOnlyRootFilesystem"),
                message=(
                    f"{container.label} does not set readOnlyRootFilesystem: true"
                    if value is None
                    else f"{container.label} sets readOnlyRootFilesystem: {json.dumps(value)}"
                ),
                value=value,
            )
