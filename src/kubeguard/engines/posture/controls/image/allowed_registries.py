"""Container images come only from approved registries.

Pulling from an arbitrary registry runs code nobody in the organisation built, scanned or signed,
and a typo-squatted name on a public registry is an easy way in. When the configuration lists
``allowed_registries``, every image must lie under one of them. Entries are a registry host
(``123456789012.dkr.ecr.eu-west-1.amazonaws.com``, ``registry.example.com:5000``) or a host with a
path prefix (``docker.io/library``), matched on whole components of the normalised reference: a
short Docker Hub name such as ``nginx`` is ``docker.io/library/nginx``, and ``index.docker.io``
is ``docker.io``. A reference that cannot be parsed has no known registry and fails.

With no ``allowed_registries`` configured the control has nothing to enforce and passes.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import ImageRef, image_violations, in_registry
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-IMG-005",
    title="Images come from approved registries",
    severity=Severity.MEDIUM,
    remediation=(
        "Mirror the image into an approved registry (for example a private ECR repository) and "
        "reference it there, or add its registry to allowed_registries after review."
    ),
    refs={
        "cis-eks": "5.1.4",
        "kubescape": "C-0078",
        "trivy": "KSV0125",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    allowed = context.settings.allowed_registries
    if not allowed:
        return

    def registry_problem(ref: ImageRef | None) -> str | None:
        if ref is None:
            return "is not a valid reference, so its registry is unknown"
        if not any(in_registry(ref, prefix) for prefix in allowed):
            return f"resolves to {ref.name}, under none of the allowed registries"
        return None

    yield from image_violations(workload, registry_problem)
