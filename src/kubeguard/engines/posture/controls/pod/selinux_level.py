"""Where a pod sets SELinux options, it must set an MCS level with a category pair.

On SELinux nodes the runtime separates containers by the MCS categories of their label: a level
such as ``s0:c123,c456`` (one sensitivity, two distinct categories) is what keeps one workload
out of another's files. Where a pod customises its SELinux label, kubeguard asks for the whole
label: an explicit level with a category pair, so that the separation is stated in the
manifest, can be reviewed, and is checked for collisions between workloads (KG-POD-027) instead
of depending on how each runtime completes a partial label. A level without a category pair
weakens the separation: ``s0`` alone is shared by every container labelled so, a single category
is dominated by every pair that contains it, and a range (``s0-s0:c0.c1023``) or a longer list
of categories dominates the pairs of other workloads and can reach their files.

Every ``seLinuxOptions`` of the pod and of each container is checked; a container without a
level of its own takes the pod's. The SELinux type is judged elsewhere: ``spc_t``,
``unconfined_t`` and any type outside the ``container_t`` family disable the confinement
altogether and are flagged by KG-POD-010.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import pod_setter, shown
from kubeguard.engines.posture.security_contexts import security_context_owners
from kubeguard.engines.posture.selinux import LEVEL_KEYS, category_pair
from kubeguard.engines.posture.views import WorkloadView, as_mapping
from kubeguard.model import Severity


@control(
    id="KG-POD-026",
    title="SELinux options set an MCS level with a category pair",
    severity=Severity.MEDIUM,
    remediation=(
        "Set seLinuxOptions.level to one sensitivity and two categories unique to this "
        "workload (for example s0:c123,c456) at pod level, or on every container that sets "
        "seLinuxOptions."
    ),
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    pod = pod_setter(workload)
    pod_sets_level = bool(pod.get(*LEVEL_KEYS))
    for owner in security_context_owners(workload):
        options = as_mapping(owner.get("seLinuxOptions"))
        if not options:
            continue
        level = options.get("level")
        path = owner.path(*LEVEL_KEYS)
        if level is None or level == "":
            if owner != pod and pod_sets_level:
                continue
            yield Violation(path=path, message=f"{owner.label} sets seLinuxOptions without a level")
        elif not isinstance(level, str) or category_pair(level) is None:
            yield Violation(
                path=path,
                message=f"{owner.label} sets SELinux level {shown(level)}, which is not one "
                "sensitivity with two distinct categories (such as s0:c123,c456)",
                value=level,
            )
