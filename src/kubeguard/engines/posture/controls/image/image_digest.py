"""Container images are pinned by digest.

A tag is a movable pointer: whoever can push to the repository can change what ``app:1.4.2``
means, and the next pull (a new node, an evicted pod) runs the new content without any change to
the manifest. A digest (``app@sha256:…``, alone or after a tag) names the content itself, so what
was reviewed and scanned is what runs. Low severity because immutable tags in the registry (ECR
tag immutability) give much of the same assurance.

References the runtime cannot parse are reported by KG-IMG-003, not here.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import ImageRef, image_violations
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IMG-004",
    title="Images are pinned by digest",
    severity=Severity.LOW,
    remediation=(
        "Reference images by digest (app:1.4.2@sha256:…), for example by resolving tags to "
        "digests in the build pipeline."
    ),
    refs={"kubescape": "C-0306", "checkov": "CKV_K8S_43"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from image_violations(workload, _digest_problem)


def _digest_problem(ref: ImageRef | None) -> str | None:
    if ref is not None and ref.digest is None:
        return "is not pinned by digest"
    return None
