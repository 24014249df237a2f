"""Container images do not come from the frozen ``k8s.gcr.io`` registry.

The Kubernetes project moved its images to ``registry.k8s.io`` and froze ``k8s.gcr.io`` (and the
older ``gcr.io/google_containers``) in April 2023: no new versions or security fixes are published
there, and the old endpoints may stop serving. A workload still pointing at them runs images that
can no longer be patched and may fail to start on a new node.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import ImageRef, image_violations, in_registry
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

#: Registry prefixes the Kubernetes project no longer publishes to.
DEPRECATED_PREFIXES = ("k8s.gcr.io", "gcr.io/google_containers", "gcr.io/google-containers")
REPLACEMENT = "registry.k8s.io"


@control(
    id="KG-IMG-009",
    title="Images do not come from the deprecated k8s.gcr.io registry",
    severity=Severity.LOW,
    remediation=(
        "Replace k8s.gcr.io/… and gcr.io/google_containers/… with registry.k8s.io/… at a "
        "current version."
    ),
    refs={"kubescape": "C-0253"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from image_violations(workload, _deprecated_problem)


def _deprecated_problem(ref: ImageRef | None) -> str | None:
    if ref is None:
        return None
    prefix = next((p for p in DEPRECATED_PREFIXES if in_registry(ref, p)), None)
    if prefix is None:
        return None
    return f"comes from {prefix}, frozen since 2023; use {REPLACEMENT}"
