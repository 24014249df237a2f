"""NetworkPolicy rules are not open to every address or every namespace.

A rule without ``from``/``to``, with an ``ipBlock`` of ``0.0.0.0/0`` or ``::/0``, or with a
``namespaceSelector: {}`` lets every address or every namespace through. That undoes the
isolation the policy exists for: ``ingress: [{}]`` accepts the whole cluster and the internet,
``namespaceSelector: {}`` admits pods of every tenant, and ``0.0.0.0/0`` egress reaches the
instance metadata service and any exfiltration endpoint. Sometimes that is the intent (a public
front end); then say so with an exception, and prefer naming the namespaces
(``kubernetes.io/metadata.name``) or the address ranges that need access.

Only rules of directions the policy's ``policyTypes`` list are judged: the others are ignored by
Kubernetes.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import Direction, network_of
from kubeguard.engines.posture.netpol.shapes import wide_peers
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity, dotted_path


@control(
    id="KG-NET-014",
    title="NetworkPolicy rules are not open to everyone",
    severity=Severity.MEDIUM,
    remediation=(
        "Replace the open peer with the namespaces (namespaceSelector on "
        "kubernetes.io/metadata.name) and pods, or the address ranges, that need access."
    ),
    refs={"nsa": "Network separation and hardening"},
    kinds={"NetworkPolicy"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    policy = network_of(context.inventory).policy_of[subject.obj]
    for direction in Direction:
        for rule in policy.rules(direction):
            for path, what in wide_peers(rule):
                yield Violation(
                    path=path,
                    message=(f"{dotted_path(rule.path)} allows {what} on {rule.describe_ports()}"),
                    value=subject.field(*path),
                )
