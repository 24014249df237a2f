"""Container images name a fixed tag, not ``latest`` or nothing.

A reference without a tag is pulled as ``:latest``, and ``latest`` moves with every push: two
nodes can run different code under one manifest, a rollback redeploys whatever the tag points to
now, and a compromised upstream lands on the next pod restart. A digest pins the content, so a
digest-only reference (``app@sha256:…``) and a tag with a digest both pass. The registry part is
parsed as the runtime does: in ``localhost:5000/app`` the ``:5000`` is a port, not a tag.

A reference the runtime cannot parse fails too: its tag cannot be known, and the pod will not
start. Containers without an ``image`` are left to the API server, which rejects them.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import LATEST, ImageRef, image_violations
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IMG-003",
    title="Images use a fixed tag or a digest",
    severity=Severity.MEDIUM,
    remediation=(
        "Reference every image by a version tag (app:1.4.2) or, better, by digest "
        "(app@sha256:…); never by :latest or without a tag."
    ),
    refs={
        "kubescape": "C-0075",
        "checkov": "CKV_K8S_14",
        "trivy": "KSV013",
        "polaris": "tagNotSpecified",
        "kube-score": "container-image-tag",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    yield from image_violations(workload, _tag_problem)


def _tag_problem(ref: ImageRef | None) -> str | None:
    if ref is None:
        return "is not a valid image reference"
    if ref.digest is not None:
        return None
    if ref.tag is None:
        return "has no tag, so it is pulled as :latest"
    if ref.tag == LATEST:
        return "uses the mutable :latest tag"
    return None
