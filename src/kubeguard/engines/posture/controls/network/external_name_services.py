"""Services are not of type ExternalName.

An ``ExternalName`` Service is a DNS alias: its cluster name resolves to whatever host
``spec.externalName`` names, and nothing checks what that is. Whoever may create Services in a
namespace can thereby point a trusted in-cluster name at a host of their choice, and ingress
controllers and gateways that proxy to ExternalName Services forward external requests there
too, with the controller's network position: to the Services of another namespace (crossing the
namespace boundary NetworkPolicies and RBAC assume), to the node's instance metadata service, or
to the API server (the confused-deputy problem of CVE-2021-25740). Targets written as an IP
address or as another namespace's ``.svc`` name are called out in the message.

Low severity: aliasing an external database or API endpoint is a legitimate use, but such
aliases are better replaced by configuration that names the endpoint, so that Service creation
can be restricted (for example with an admission policy rejecting the type).
"""

import ipaddress
from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import Severity


@control(
    id="KG-NET-022",
    title="Services are not of type ExternalName",
    severity=Severity.LOW,
    remediation=(
        "Replace the ExternalName Service with the external host name in the application's "
        "configuration, and reject the type with an admission policy."
    ),
    refs={"mitre": "T1557"},
    kinds={"Service"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if subject.field("spec", "type") != "ExternalName":
        return
    target = as_str(subject.field("spec", "externalName")) or ""
    namespace = subject.obj.effective_namespace or "default"
    yield Violation(
        path=("spec", "externalName") if target else ("spec", "type"),
        message=f"ExternalName Service aliases {target or '(no host)'}{_why(target, namespace)}",
        value=target or None,
    )


def _why(target: str, namespace: str) -> str:
    host = target.rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return ", an IP address, which proxies reach without any DNS name to check"
    parts = host.split(".")
    if len(parts) >= 3 and parts[2] == "svc" and parts[1] != namespace:
        return f", a Service of namespace {parts[1]}, crossing the namespace boundary"
    return ""
