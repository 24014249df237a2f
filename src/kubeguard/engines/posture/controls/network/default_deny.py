"""Every namespace has a default-deny NetworkPolicy for ingress and for egress.

Pods accept and open any connection until a NetworkPolicy selects them for that direction.
A default-deny policy (``podSelector: {}`` with ``Ingress`` and ``Egress`` in ``policyTypes``)
isolates every pod of the namespace, including the ones deployed tomorrow, so that only what
other policies allow gets through. Without it, one forgotten workload, or a new one, is open to
the whole cluster and can reach anything, the instance metadata service included.

A namespace passes a direction when some policy of it has an empty ``podSelector``, lists the
direction in its (defaulted) ``policyTypes``, and does not open that direction to everyone again
(a rule without ``from``/``to``, or to every pod or 0.0.0.0/0 on every port); narrow rules such as
"DNS only" are fine. Remember the defaulting trap: ``egress: []`` without ``policyTypes`` does
not isolate egress. Namespaces whose name starts with ``kube-`` belong to the control plane and
are not judged. Only Namespace objects among the inputs are judged.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import Direction, network_of
from kubeguard.engines.posture.netpol.shapes import denies_by_default
from kubeguard.engines.posture.netpol.tenancy import SYSTEM_PREFIX
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-NET-001",
    title="Namespaces deny ingress and egress by default",
    severity=Severity.MEDIUM,
    remediation=(
        "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the "
        "namespace, then allow what each workload needs with narrower policies."
    ),
    refs={
        "cis-eks": "4.3.2",
        "nsa": "Network separation and hardening: default deny",
        "kubescape": ("C-0030", "C-0206"),
        "checkov": "CKV2_K8S_6",
        "polaris": "missingNetworkPolicy",
        "trivy": "KSV038",
        "hardeneks": "check_default_deny_policy_exists",
    },
    kinds={"Namespace"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    name = subject.obj.name
    if name.startswith(SYSTEM_PREFIX):
        return
    policies = network_of(context.inventory).policies_in.get(name, [])
    missing = [
        direction.value.lower()
        for direction in Direction
        if not any(denies_by_default(policy, direction) for policy in policies)
    ]
    if missing:
        yield Violation(
            path=("metadata", "name"),
            message=(
                f"no default-deny NetworkPolicy for {' or '.join(missing)} in namespace "
                f"{name!r}: pods no other policy isolates accept and open any connection"
            ),
            value=missing,
        )
