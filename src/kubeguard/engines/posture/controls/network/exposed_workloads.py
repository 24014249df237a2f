"""Inventory: workloads reachable from outside the cluster.

Every workload that a ``LoadBalancer`` or ``NodePort`` Service selects, or that an Ingress routes
to through a Service, receives traffic from outside the cluster, often from the internet. That
is usually intended, but it is the attack surface: these are the workloads whose images,
patches, authentication and pod hardening matter first, and the list should match what the
architecture says is public.

Informational: each exposed workload is reported once, naming the Services and Ingresses that
reach it. Objects a controller created (the pods of a Deployment) are judged through their
controller. Gateway API routes are not followed.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.exposure import exposure_of
from kubeguard.engines.posture.ownership import controller_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-NET-008",
    title="Inventory of workloads exposed outside the cluster",
    severity=Severity.INFO,
    remediation=(
        "Confirm each exposed workload is meant to be public; make the others ClusterIP "
        "Services without an Ingress."
    ),
    refs={"mitre": "T1190", "kubescape": ("C-0256", "C-0021")},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if controller_of(workload.obj) is not None:
        return
    routes = exposure_of(context.inventory).routes_to(workload)
    if routes:
        yield Violation(
            path=(*workload.meta_path, "labels"),
            message="reachable from outside the cluster through "
            + "; ".join(route.via for route in routes),
            value=sorted({route.service for route in routes}),
        )
