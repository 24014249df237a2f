"""Pods and containers must not set a custom SELinux user, role or a non-container type.

SELinux confines containers through the ``container_t`` family of types. Choosing another type
(``spc_t``, ``unconfined_t``) or a custom user or role can lift that confinement. Pod Security
Standards baseline allows, in the pod's and every container's ``seLinuxOptions``, only the types
``container_t``, ``container_init_t`` and ``container_kvm_t`` (plus ``container_engine_t`` from
policy v1.31) and no user or role; ``level`` is free.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    forbidden_value_violations,
    one_of,
    policy_minor,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

REASON = "seLinuxOptions"
CONTAINER_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
#: Policy v1.31 added the type used by container engines nested in a pod.
ENGINE_TYPE_SINCE = 31
ENGINE_TYPE = "container_engine_t"
SELINUX_TYPE = SecurityField(("seLinuxOptions", "type"), in_struct=True)
SELINUX_USER = SecurityField(("seLinuxOptions", "user"), in_struct=True)
SELINUX_ROLE = SecurityField(("seLinuxOptions", "role"), in_struct=True)


@control(
    id="KG-POD-010",
    title="SELinux options stay within the container types",
    severity=Severity.MEDIUM,
    remediation="Remove seLinuxOptions.user and .role, and set seLinuxOptions.type only to a "
    "container_t family type.",
    refs={"pss": "seLinuxOptions", "trivy": "KSV025"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    allowed_types = CONTAINER_TYPES
    if policy_minor(context) >= ENGINE_TYPE_SINCE:
        allowed_types = allowed_types | {ENGINE_TYPE}
    yield from forbidden_value_violations(REASON, workload, SELINUX_TYPE, one_of(allowed_types))
    for field in (SELINUX_USER, SELINUX_ROLE):
        yield from forbidden_value_violations(REASON, workload, field, one_of(frozenset({""})))
