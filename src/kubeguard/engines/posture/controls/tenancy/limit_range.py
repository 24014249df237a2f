"""Every namespace has a LimitRange.

A ResourceQuota on CPU or memory makes the API server reject pods that state no requests or
limits, and without a quota such pods run unbounded. A LimitRange gives every container default
requests and limits (and can cap them), so pods of one tenant cannot take a node's memory from
the others by simply leaving the limits out.

Judged: the Namespace objects in the scan, except ``kube-system``, ``kube-public`` and
``kube-node-lease``. A namespace passes when some LimitRange in it has ``spec.limits`` entries.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.namespaces import missing_policy
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-MT-002",
    title="Namespaces have a LimitRange",
    severity=Severity.LOW,
    remediation=(
        "Create a LimitRange in the namespace with default and defaultRequest for cpu and "
        "memory of type Container."
    ),
    refs={"trivy": "KSV039"},
    kinds={"Namespace"},
)
def check(namespace: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from missing_policy(
        namespace, context.inventory, "LimitRange", ("spec", "limits"), "sets spec.limits"
    )
