"""Pods of one tenant namespace cannot open connections to pods of another.

Namespaces are the tenancy boundary of Kubernetes, but the network is flat: unless
NetworkPolicies isolate them, every pod can connect to every other. A tenant that reaches
another tenant's pods can probe their unauthenticated endpoints (metrics, admin ports, caches,
databases) and move sideways after a compromise.

A *tenant namespace* runs at least one pod outside the host network, has a name that does not
start with ``kube-`` (the control plane's), and is not labelled ``kubeguard.io/tenant: "false"``;
put that label on namespaces of shared services (ingress controllers, monitoring, DNS) that must
talk to every tenant. The check uses the NetworkPolicy reachability evaluator on every port and
protocol, and fails a Namespace whose pods can reach, or be reached from, pods of another
tenant namespace, naming them. Only Namespace objects among the inputs are judged.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import tenant_reach_of
from kubeguard.engines.posture.netpol.text import listing
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

#: How many namespaces a message names per direction.
SHOWN = 10


@control(
    id="KG-MT-006",
    title="Tenant namespaces are isolated from each other by NetworkPolicy",
    severity=Severity.MEDIUM,
    remediation=(
        "Give every tenant namespace a default-deny policy and allow ingress only from its own "
        "namespace and from labelled shared services; label shared-service namespaces "
        'kubeguard.io/tenant: "false".'
    ),
    refs={"cis-eks": "4.3.2", "nsa": "Network separation and hardening"},
    kinds={"Namespace"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    reach = tenant_reach_of(context.inventory)
    name = subject.obj.name
    if name not in reach.tenants:
        return
    outgoing = sorted(reach.reaches.get(name, ()))
    incoming = sorted(reach.reached_from.get(name, ()))
    parts = []
    if outgoing:
        parts.append(f"its pods can reach pods of {_listing(outgoing)}")
    if incoming:
        parts.append(f"pods of {_listing(incoming)} can reach its pods")
    if parts:
        yield Violation(
            path=("metadata", "name"),
            message=f"tenant namespace {name!r}: " + "; ".join(parts),
            value={"reaches": outgoing, "reached_from": incoming},
        )


def _listing(names: list[str]) -> str:
    plural = "s" if len(names) != 1 else ""
    return f"{len(names)} tenant namespace{plural} ({listing(names, SHOWN)})"
