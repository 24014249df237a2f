"""Which Secrets and persistent volumes a workload's pods can read, and where it says so.

Secrets reach a pod through ``secret`` volumes, ``projected`` volume sources, the Secrets Store
CSI driver (a ``SecretProviderClass`` of an external store), ``env[].valueFrom.secretKeyRef``
and ``envFrom[].secretRef``. Persistent data arrives through ``persistentVolumeClaim`` volumes
and ``ephemeral`` volumes (a claim created for the pod). ``imagePullSecrets`` are not counted:
the kubelet uses them, the containers never see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kubeguard.engines.posture.env import env_from, env_vars
from kubeguard.engines.posture.views import WorkloadView, as_list, as_str, get
from kubeguard.model import FieldPath

SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io"


@dataclass(frozen=True, slots=True)
class DataReference:
    """One reference from a pod spec to stored data."""

    what: str
    """``Secret db``, ``SecretProviderClass vault-db``, ``PersistentVolumeClaim data``."""
    path: FieldPath


def secret_references(workload: WorkloadView) -> Iterator[DataReference]:
    """Every place the pods get a Secret's content, volumes first, then each container's env."""
    for index, volume in workload.volumes():
        name = as_str(get(volume, "secret", "secretName"))
        if name:
            yield DataReference(f"Secret {name}", workload.path("volumes", index, "secret"))
        for source_index, source in enumerate(as_list(get(volume, "projected", "sources"))):
            name = as_str(get(source, "secret", "name"))
            if name:
                path = workload.path("volumes", index, "projected", "sources", source_index)
                yield DataReference(f"Secret {name}", path)
        if get(volume, "csi", "driver") == SECRETS_STORE_DRIVER:
            name = as_str(get(volume, "csi", "volumeAttributes", "secretProviderClass"))
            yield DataReference(
                f"SecretProviderClass {name or '(unnamed)'}", workload.path("volumes", index, "csi")
            )
    for container in workload.containers():
        for variable in env_vars(container):
            name = as_str(get(variable.value_from, "secretKeyRef", "name"))
            if name:
                path = container.path("env", variable.index, "valueFrom", "secretKeyRef")
                yield DataReference(f"Secret {name}", path)
        for index, source in env_from(container):
            name = as_str(get(source, "secretRef", "name"))
            if name:
                yield DataReference(f"Secret {name}", container.path("envFrom", index, "secretRef"))


def claim_references(workload: WorkloadView) -> Iterator[DataReference]:
    """Every persistent volume claim the pods mount, named or created per pod."""
    for index, volume in workload.volumes():
        name = as_str(get(volume, "persistentVolumeClaim", "claimName"))
        if name:
            path = workload.path("volumes", index, "persistentVolumeClaim")
            yield DataReference(f"PersistentVolumeClaim {name}", path)
        elif isinstance(volume.get("ephemeral"), dict):
            volume_name = as_str(volume.get("name")) or str(index)
            path = workload.path("volumes", index, "ephemeral")
            yield DataReference(f"ephemeral PersistentVolumeClaim of volume {volume_name}", path)
