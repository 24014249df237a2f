"""EFS volumes are mounted with TLS.

The EFS CSI driver (``efs.csi.aws.com``) mounts file systems through efs-utils with TLS unless a
PersistentVolume sets ``spec.csi.volumeAttributes.encryptInTransit: "false"``; then NFS traffic
between node and file system crosses the VPC unencrypted.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.efs import efs_volume
from kubeguard.engines.posture.views import ObjectView, as_mapping
from kubeguard.model import Severity


@control(
    id="KG-DATA-003",
    title="EFS volumes use TLS in transit",
    severity=Severity.MEDIUM,
    remediation='Remove encryptInTransit: "false" from the PersistentVolume\'s volumeAttributes.',
    refs={"hardeneks": "use_encryption_with_efs"},
    kinds={"PersistentVolume"},
)
def check(volume: ObjectView, context: CheckContext) -> Iterator[Violation]:
    csi = efs_volume(volume)
    if csi is None:
        return
    setting = as_mapping(csi.get("volumeAttributes")).get("encryptInTransit")
    if isinstance(setting, str | bool) and str(setting).lower() == "false":
        yield Violation(
            path=("spec", "csi", "volumeAttributes", "encryptInTransit"),
            message="the EFS file system is mounted without TLS (encryptInTransit is false)",
            value=setting,
        )
