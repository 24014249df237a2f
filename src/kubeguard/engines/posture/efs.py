"""PersistentVolumes served by the Amazon EFS CSI driver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeguard.engines.posture.views import ObjectView, as_mapping, as_str

EFS_DRIVER = "efs.csi.aws.com"


def efs_volume(volume: ObjectView) -> Mapping[str, Any] | None:
    """``spec.csi`` of a PersistentVolume of the EFS CSI driver, else ``None``."""
    csi = as_mapping(volume.field("spec", "csi"))
    return csi if as_str(csi.get("driver")) == EFS_DRIVER else None
