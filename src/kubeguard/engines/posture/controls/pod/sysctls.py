"""Pods may set only the namespaced sysctls known to be safe.

Sysctls set through ``spec.securityContext.sysctls`` change kernel parameters; most are
node-wide or can starve other pods. Pod Security Standards baseline allows only an allow-list
of namespaced, isolated ones, which grew with policy versions: v1.27 added
``net.ipv4.ip_local_reserved_ports``, v1.29 the TCP keepalive and FIN timeout settings, v1.32 the
TCP buffer sizes and v1.37 ``tcp_slow_start_after_idle`` and ``tcp_notsent_lowat``. Only names are
judged, never values.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import policy_minor, pss_violation, shown
from kubeguard.engines.posture.views import WorkloadView, as_list, get
from kubeguard.model import Severity

#: Safe sysctls by the policy version that first allows them.
SAFE_SYSCTLS_SINCE: dict[int, frozenset[str]] = {
    0: frozenset(
        {
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        }
    ),
    27: frozenset({"net.ipv4.ip_local_reserved_ports"}),
    29: frozenset(
        {
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        }
    ),
    32: frozenset({"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}),
    37: frozenset({"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}),
}


def safe_sysctls(minor: int) -> frozenset[str]:
    """The sysctls policy version ``v1.<minor>`` allows."""
    return frozenset().union(
        *(names for since, names in SAFE_SYSCTLS_SINCE.items() if since <= minor)
    )


@control(
    id="KG-POD-014",
    title="Pods set only safe sysctls",
    severity=Severity.MEDIUM,
    remediation="Remove unsafe sysctls from spec.securityContext.sysctls; tune node-wide "
    "parameters on the node instead.",
    refs={"pss": "sysctls", "trivy": "KSV026"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    allowed = safe_sysctls(policy_minor(context))
    for index, entry in enumerate(as_list(workload.security("sysctls"))):
        name = get(entry, "name")
        if not (isinstance(name, str) and name in allowed):
            yield pss_violation(
                "forbidden sysctls",
                shown(name if name is not None else ""),
                workload.path("securityContext", "sysctls", index, "name"),
                name,
            )
