"""Pods and containers must not turn AppArmor off.

On nodes with AppArmor (Bottlerocket and Ubuntu among EKS node images), the runtime confines
every container with its default profile, which denies writes to ``/proc`` and ``/sys``
interfaces, mounts and other operations used to escape. ``appArmorProfile.type: Unconfined`` on
the pod or a container, or the annotation
``container.apparmor.security.beta.kubernetes.io/<container>: unconfined``, remove that
confinement. This is an explicit choice to weaken the pod, so kubeguard flags it at every Pod
Security Standards level, including privileged where the PSS AppArmor check (KG-POD-009) does
not apply.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import SecurityField
from kubeguard.engines.posture.security_contexts import ConfinementProfile, unconfined_violations
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

APPARMOR = ConfinementProfile(
    name="AppArmor",
    field=SecurityField(("appArmorProfile", "type")),
    annotation_prefixes=("container.apparmor.security.beta.kubernetes.io/",),
)


@control(
    id="KG-POD-033",
    title="AppArmor is not explicitly unconfined",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove the Unconfined AppArmor profile and the unconfined annotations; use "
        "appArmorProfile.type: RuntimeDefault, or a Localhost profile loaded on the nodes."
    ),
    refs={"trivy": "KSV002"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    return unconfined_violations(workload, APPARMOR)
