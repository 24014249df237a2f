"""Ingress rules name a specific host.

A rule without ``host`` matches every request the ingress controller receives, whatever its
``Host`` header: requests to the load balancer's own address, to any name that happens to point
at it, and from every scanner on the internet. A wildcard host (``*.example.com``) does the same
for every subdomain no other Ingress claims. On a controller shared between teams, one
namespace's catch-all takes traffic meant for hosts another team has not set up yet (or has
just removed), which is how subdomain takeovers start; and TLS cannot be configured per host
for requests it matches by accident, so they are served with the controller's default
certificate. A ``defaultBackend`` is a catch-all too: it receives every request that no rule
matches, for any host.

Low severity: a single-tenant controller with one catch-all for a health page is common; give
it an explicit host when the name is known.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_list, as_mapping, as_str
from kubeguard.model import Severity


@control(
    id="KG-NET-023",
    title="Ingress rules name a specific host",
    severity=Severity.LOW,
    remediation=(
        "Set spec.rules[].host to the exact host name each rule serves; remove spec.defaultBackend."
    ),
    refs={"mitre": "T1557"},
    kinds={"Ingress"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    spec = as_mapping(subject.field("spec"))
    for index, rule in enumerate(as_list(spec.get("rules"))):
        host = as_str(as_mapping(rule).get("host"))
        if not host:
            yield Violation(
                path=("spec", "rules", index),
                message=f"rule {index} has no host and matches requests for every host",
            )
        elif host.startswith("*"):
            yield Violation(
                path=("spec", "rules", index, "host"),
                message=f"rule {index} matches every host under {host[1:].lstrip('.')}",
                value=host,
            )
    for field in ("defaultBackend", "backend"):
        if spec.get(field) is not None:
            yield Violation(
                path=("spec", field),
                message=f"{field} receives the requests no rule matches, for every host",
            )
