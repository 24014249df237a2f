"""EBS StorageClasses encrypt the volumes they create.

A PersistentVolume provisioned by the EBS CSI driver (``ebs.csi.aws.com``, or
``ebs.csi.eks.amazonaws.com`` in EKS Auto Mode) or the legacy in-tree ``kubernetes.io/aws-ebs``
plugin is encrypted only when its StorageClass sets ``parameters.encrypted: "true"`` (optionally
with ``kmsKeyId``), unless the AWS account turns on EBS encryption by default, which manifests do
not show. An unencrypted volume leaves data readable from snapshots and detached disks.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import Severity

EBS_PROVISIONERS = frozenset(
    {"ebs.csi.aws.com", "ebs.csi.eks.amazonaws.com", "kubernetes.io/aws-ebs"}
)


@control(
    id="KG-DATA-002",
    title="EBS StorageClasses encrypt volumes",
    severity=Severity.MEDIUM,
    remediation='Set parameters.encrypted: "true" (and kmsKeyId for a customer-managed key).',
    refs={"hardeneks": "use_encryption_with_ebs"},
    kinds={"StorageClass"},
)
def check(storage_class: ObjectView, context: CheckContext) -> Iterator[Violation]:
    provisioner = as_str(storage_class.field("provisioner"))
    if provisioner not in EBS_PROVISIONERS:
        return
    encrypted = storage_class.field("parameters", "encrypted")
    if isinstance(encrypted, str) and encrypted.lower() == "true":
        return
    how = "is unset" if encrypted is None else f"is {encrypted!r}"
    yield Violation(
        path=("parameters", "encrypted"),
        message=f"{provisioner} volumes of this class are not encrypted (parameters.encrypted {how})",
        value=encrypted,
    )
