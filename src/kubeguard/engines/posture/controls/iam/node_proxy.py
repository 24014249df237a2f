"""Nobody is granted nodes/proxy.

``nodes/proxy`` forwards requests through the API server to a node's kubelet API, which can list
every pod on the node and run commands in any of them (``/exec``, ``/run``). Those commands never
pass admission and the API server's audit log records only a proxy request, so the grant is as
good as exec into every pod of the cluster, with little trace.

Nodes are cluster-scoped: a ClusterRoleBinding whose role allows ``get`` or ``create`` on
``nodes/proxy`` (or a wildcard that covers it) fails. Monitoring agents that scrape kubelet
metrics need ``nodes/metrics`` and ``nodes/stats``, not ``nodes/proxy``.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, role_risk_violations
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-018",
    title="No access to nodes/proxy",
    severity=Severity.HIGH,
    remediation=(
        "Replace nodes/proxy with nodes/metrics and nodes/stats for scrapers; remove it from "
        "every other role."
    ),
    refs={"cis-eks": "4.1.10", "kubescape": "C-0279", "trivy": "KSV047"},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    yield from role_risk_violations(binding, context, [RISKS_BY_KEY["node-proxy"]])
