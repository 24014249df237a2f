"""Pods must not mount hostPath volumes.

A hostPath volume exposes part of the node's filesystem to the container: the kubelet's
credentials, the container runtime socket, other pods' data or ``/etc``. Even read-only it can
leak secrets, and a writable one is a direct path to the node. Pod Security Standards baseline
forbids every hostPath volume; restricted replaces this check with the stricter volume-type
allow-list (KG-POD-017).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pss_violation, volume_label
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-POD-006",
    title="Pods mount no hostPath volumes",
    severity=Severity.HIGH,
    remediation="Replace hostPath volumes with emptyDir, configMap, secret or persistent volumes.",
    refs={
        "pss": "hostPathVolumes",
        "kubescape": ("C-0048", "C-0045", "C-0203"),
        "hardeneks": "disallow_host_path_or_make_it_read_only",
        "trivy": ("KSV023", "KSV121"),
        "polaris": "hostPathSet",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, volume in workload.volumes():
        host_path = volume.get("hostPath")
        if host_path is not None:
            yield pss_violation(
                "hostPath volumes",
                volume_label(index, volume),
                workload.path("volumes", index, "hostPath"),
                host_path,
            )
