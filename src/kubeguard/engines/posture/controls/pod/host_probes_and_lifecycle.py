"""Probes and lifecycle handlers must not target another host.

A ``host`` in an ``httpGet`` or ``tcpSocket`` probe or lifecycle handler makes the kubelet, which
runs on the node with the node's network access, connect wherever the pod author says: a
server-side request forgery against node-local or cloud metadata endpoints. Pod Security Standards
baseline, from policy v1.34, requires ``host`` to be empty in the liveness, readiness and startup
probes and in the ``postStart`` and ``preStop`` handlers of every container.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pss_violation, shown
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import FieldPath, Severity

#: Where a container declares handlers the kubelet runs against the network.
HANDLERS: tuple[FieldPath, ...] = (
    ("livenessProbe",),
    ("readinessProbe",),
    ("startupProbe",),
    ("lifecycle", "postStart"),
    ("lifecycle", "preStop"),
)
NETWORK_ACTIONS = ("httpGet", "tcpSocket")


@control(
    id="KG-POD-016",
    title="Probes and lifecycle handlers target no other host",
    severity=Severity.MEDIUM,
    remediation="Remove host from httpGet and tcpSocket probes and lifecycle handlers; they then "
    "target the pod's own IP.",
    refs={"pss": "hostProbesAndHostLifecycle"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        for handler in HANDLERS:
            for action in NETWORK_ACTIONS:
                path = (*handler, action, "host")
                host = container.field(*path)
                if host not in (None, ""):
                    yield pss_violation(
                        "probe or lifecycle host",
                        f"{container.label} sets {'.'.join(map(str, path))}={shown(host)}",
                        container.path(*path),
                        host,
                    )
