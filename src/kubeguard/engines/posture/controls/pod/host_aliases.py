"""Pods must not override name resolution with hostAliases.

``hostAliases`` writes entries into the pod's ``/etc/hosts``, ahead of cluster DNS. A name such
as an API endpoint, a registry or a metadata service can be pointed at another address without
any DNS record, change log or DNS-based network policy seeing it; the same field is a quiet way
to redirect a workload's traffic. Legitimate needs are better met by a DNS record or a Service.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_list, as_str, as_str_list, get
from kubeguard.model import Severity


@control(
    id="KG-POD-031",
    title="Pods do not set hostAliases",
    severity=Severity.LOW,
    remediation="Remove spec.hostAliases; publish the names through DNS or a Service instead.",
    refs={"trivy": "KSV007"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, alias in enumerate(as_list(workload.field("hostAliases"))):
        ip = as_str(get(alias, "ip")) or "(no ip)"
        hostnames = ", ".join(as_str_list(get(alias, "hostnames"))) or "(no hostnames)"
        yield Violation(
            path=workload.path("hostAliases", index),
            message=f"hostAliases[{index}] maps {hostnames} to {ip} in /etc/hosts",
            value=alias,
        )
