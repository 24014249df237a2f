"""Pods and containers must not disable or override the default AppArmor profile.

On nodes with AppArmor, the container runtime confines every container with its default profile.
Setting the profile to ``Unconfined`` removes that confinement. Pod Security Standards baseline
allows only the runtime default and profiles loaded on the node (``localhost/``), in both forms:
the beta annotations ``container.apparmor.security.beta.kubernetes.io/<container>`` (value empty,
``runtime/default`` or ``localhost/<profile>``; keys are matched by prefix whatever container they
name) and the ``securityContext.appArmorProfile.type`` field of the pod and of every container
(``RuntimeDefault`` or ``Localhost``).
"""

from collections.abc import Iterator
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    forbidden_value_violations,
    one_of,
    pss_violation,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

REASON = "forbidden AppArmor profile"
ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
PROFILE_TYPE = SecurityField(("appArmorProfile", "type"), in_struct=True)
ALLOWED_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def _allowed_annotation(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and (
        value in ("", "runtime/default") or value.startswith("localhost/")
    )


@control(
    id="KG-POD-009",
    title="AppArmor is not disabled",
    severity=Severity.MEDIUM,
    remediation="Remove Unconfined AppArmor profiles; use RuntimeDefault (runtime/default) or a "
    "Localhost profile.",
    refs={
        "pss": "appArmorProfile",
        "kubescape": "C-0055",
        "trivy": "KSV002",
        "polaris": "linuxHardening",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for key, value in workload.pod_annotations.items():
        if (
            isinstance(key, str)
            and key.startswith(ANNOTATION_PREFIX)
            and not _allowed_annotation(value)
        ):
            yield pss_violation(
                REASON,
                f"annotation {key}={value!r}",
                workload.meta_path + ("annotations", key),
                value,
            )
    yield from forbidden_value_violations(
        REASON, workload, PROFILE_TYPE, one_of(ALLOWED_PROFILE_TYPES)
    )
