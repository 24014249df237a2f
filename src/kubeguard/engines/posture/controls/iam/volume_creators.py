"""PersistentVolumes are not created by ordinary subjects.

A PersistentVolume may be of type ``hostPath``: whoever creates one and claims it mounts any
directory of the node the pod lands on (``/``, the container runtime socket, the kubelet's
credentials), which Pod Security admission never sees because the pod only names a claim. The
grant is therefore as good as node access. Volumes should come from StorageClasses through
dynamic provisioning, whose provisioner creates the PersistentVolume itself.

PersistentVolumes are cluster-scoped: only ClusterRoleBindings can grant this.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-019",
    title="No creation of PersistentVolumes",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove create on persistentvolumes; provision volumes through a StorageClass and "
        "PersistentVolumeClaims instead."
    ),
    refs={"cis-eks": "4.1.9", "kubescape": "C-0278"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["create-volumes"]])
