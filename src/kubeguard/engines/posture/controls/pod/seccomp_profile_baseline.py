"""Pods and containers must not run seccomp Unconfined.

Seccomp filters the system calls a container may make; the runtime default profile blocks the
rarely needed, frequently exploited ones (``keyctl``, ``unshare``, ``ptrace`` on older kernels …).
Pod Security Standards baseline lets a pod leave seccomp unset but forbids explicitly choosing
anything other than the runtime default or a node-local profile. Up to policy v1.18 it judges the
alpha annotations (``seccomp.security.alpha.kubernetes.io/pod`` and
``container.seccomp.security.alpha.kubernetes.io/<container>``: ``runtime/default``,
``docker/default`` or ``localhost/<profile>``); from v1.19 it judges the
``securityContext.seccompProfile.type`` field of the pod and every container (``RuntimeDefault``
or ``Localhost``) and ignores the annotations. Restricted replaces this check from v1.19 with
KG-POD-013, which also requires a profile.
"""

from collections.abc import Iterator
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss_fields import (
    SecurityField,
    forbidden_value_violations,
    one_of,
    policy_minor,
    pss_violation,
)
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

REASON = "seccompProfile"
SECCOMP_PROFILE_TYPE = SecurityField(("seccompProfile", "type"), in_struct=True)
VALID_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})
#: Policy version from which the seccompProfile field replaces the alpha annotations.
FIELDS_SINCE = 19
POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


def _valid_annotation(value: Any) -> bool:
    return isinstance(value, str) and (
        value in ("runtime/default", "docker/default") or value.startswith("localhost/")
    )


def _annotation_violations(workload: WorkloadView) -> Iterator[Violation]:
    annotations = workload.pod_annotations
    keys = [POD_ANNOTATION]
    keys += [CONTAINER_ANNOTATION_PREFIX + c.name for c in workload.containers()]
    for key in keys:
        if key in annotations and not _valid_annotation(annotations[key]):
            yield pss_violation(
                REASON,
                f"forbidden annotation {key}={annotations[key]!r}",
                workload.meta_path + ("annotations", key),
                annotations[key],
            )


@control(
    id="KG-POD-012",
    title="Seccomp is not Unconfined",
    severity=Severity.MEDIUM,
    remediation="Remove Unconfined seccomp profiles; use securityContext.seccompProfile.type: "
    "RuntimeDefault (or Localhost).",
    refs={"pss": "seccompProfile_baseline", "trivy": "KSV104"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if policy_minor(context) < FIELDS_SINCE:
        yield from _annotation_violations(workload)
        return
    yield from forbidden_value_violations(
        REASON, workload, SECCOMP_PROFILE_TYPE, one_of(VALID_PROFILE_TYPES)
    )
