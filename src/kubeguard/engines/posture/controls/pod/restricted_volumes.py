"""Pods may use only the core, pod-scoped volume types.

In-tree network and cloud volume sources (``nfs``, ``awsElasticBlockStore``, ``rbd``,
``gitRepo`` …) let a pod author reach storage directly, bypassing the PersistentVolume layer
where an administrator controls what is mounted; ``hostPath`` opens the node's filesystem and
``gitRepo`` runs git on the node. Pod Security Standards restricted allows only ``configMap``,
``csi``, ``downwardAPI``, ``emptyDir``, ``ephemeral``, ``image``, ``persistentVolumeClaim``,
``projected`` and ``secret``. A volume that names no source at all is defaulted to ``emptyDir`` by
the API server and is allowed.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pss_violation, volume_label
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

ALLOWED_VOLUME_SOURCES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)


@control(
    id="KG-POD-017",
    title="Pods use only core volume types",
    severity=Severity.LOW,
    remediation="Mount storage through a persistentVolumeClaim (or csi / ephemeral) instead of an "
    "in-tree volume source, and use emptyDir, configMap, secret or projected for the rest.",
    refs={"pss": "restrictedVolumes", "trivy": "KSV028"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, volume in workload.volumes():
        sources = [
            key
            for key, value in volume.items()
            if isinstance(key, str) and key != "name" and value is not None
        ]
        if not sources or ALLOWED_VOLUME_SOURCES.intersection(sources):
            continue
        yield pss_violation(
            "restricted volume types",
            f"{volume_label(index, volume)} uses {', '.join(sources)}",
            workload.path("volumes", index, sources[0]),
            sources,
        )
