"""Which object controls another, and which application a workload belongs to.

Objects a controller created (the Pods of a ReplicaSet, the ReplicaSet of a Deployment, the Job of
a CronJob) name it in an ``ownerReferences`` entry with ``controller: true``. Cross-object controls
judge the top-level object and skip the ones it controls, so a dump of a live cluster does not
report one mistake once per pod.

The application of a workload is read from the labels Kubernetes recommends, on the pod template
first and then on the object: ``app.kubernetes.io/part-of`` (the larger application a component
belongs to), ``app.kubernetes.io/name``, then the older ``app`` and ``k8s-app``; a workload with
none of them is an application of its own, named after the workload.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubeguard.engines.posture.views import WorkloadView, as_list, as_str
from kubeguard.model import K8sObject

#: Labels naming the application, most encompassing first.
APPLICATION_LABELS = ("app.kubernetes.io/part-of", "app.kubernetes.io/name", "app", "k8s-app")


def controller_of(obj: K8sObject) -> tuple[str, str] | None:
    """``(kind, name)`` of the object's controller, or ``None`` for a top-level object."""
    for owner in as_list(obj.metadata.get("ownerReferences")):
        if isinstance(owner, Mapping) and owner.get("controller") is True:
            kind, name = as_str(owner.get("kind")), as_str(owner.get("name"))
            if kind and name:
                return kind, name
    return None


def application_of(workload: WorkloadView) -> str:
    """The application the workload belongs to, from its labels, else its own kind and name."""
    for labels in (workload.pod_labels, workload.obj.labels):
        for label in APPLICATION_LABELS:
            value = labels.get(label)
            if isinstance(value, str) and value:
                return value
    return f"{workload.kind}/{workload.obj.name}"
