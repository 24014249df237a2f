"""Every namespace has a ResourceQuota.

Without a quota, one tenant's namespace can create pods, Services of type LoadBalancer,
PersistentVolumeClaims and objects without bound until the cluster (or the AWS account's limits)
runs out, starving every other namespace: a denial of service that needs no privileges beyond
creating workloads. A ResourceQuota with ``spec.hard`` caps CPU, memory, storage and object
counts per namespace.

Judged: the Namespace objects in the scan, except ``kube-system``, ``kube-public`` and
``kube-node-lease``. A namespace passes when some ResourceQuota in it sets ``spec.hard``.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.namespaces import missing_policy
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-MT-001",
    title="Namespaces have a ResourceQuota",
    severity=Severity.MEDIUM,
    remediation=(
        "Create a ResourceQuota in the namespace with spec.hard limits for requests.cpu, "
        "requests.memory, limits.memory, pods and persistentvolumeclaims."
    ),
    refs={"hardeneks": "ensure_namespace_quotas_exist", "trivy": "KSV040"},
    kinds={"Namespace"},
)
def check(namespace: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from missing_policy(
        namespace, context.inventory, "ResourceQuota", ("spec", "hard"), "sets spec.hard"
    )
