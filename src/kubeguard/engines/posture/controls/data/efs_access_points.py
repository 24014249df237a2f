"""Static EFS volumes mount through an access point.

An EFS access point pins the directory a client sees and the POSIX user and group it acts as. A
PersistentVolume whose ``volumeHandle`` is just the file system id (``fs-0123``) mounts the file
system root with whatever identity the pod runs as, so one workload can read and overwrite every
other workload's files on it. With an access point the handle reads
``fs-0123::fsap-0456`` (or ``fs-0123:/path:fsap-0456``). Dynamically provisioned volumes get an
access point each.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.efs import efs_volume
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import Severity


@control(
    id="KG-DATA-004",
    title="Static EFS volumes use access points",
    severity=Severity.LOW,
    remediation=(
        "Create an EFS access point for the workload and set volumeHandle to "
        "<file-system-id>::<access-point-id>."
    ),
    refs={"hardeneks": "use_efs_access_points"},
    kinds={"PersistentVolume"},
)
def check(volume: ObjectView, context: CheckContext) -> Iterator[Violation]:
    csi = efs_volume(volume)
    if csi is None:
        return
    handle = as_str(csi.get("volumeHandle")) or ""
    if "fsap-" in handle.rsplit(":", 1)[-1]:
        return
    yield Violation(
        path=("spec", "csi", "volumeHandle"),
        message=f"volumeHandle {handle!r} mounts the file system without an access point",
        value=handle,
    )
