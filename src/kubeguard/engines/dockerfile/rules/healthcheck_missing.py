"""The image declares a ``HEALTHCHECK``.

A health check lets Docker, ECS and other runtimes restart a container that runs but no longer
works. Kubernetes ignores ``HEALTHCHECK`` and uses the pod's liveness and readiness probes
instead, so for images that only run on EKS the probes matter more; declaring the check still
documents how to tell the service is healthy. ``HEALTHCHECK NONE`` records a deliberate choice
and passes.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-016",
    title="The image declares a HEALTHCHECK",
    severity=Severity.LOW,
    remediation="Add HEALTHCHECK CMD <command> to the final stage (and liveness/readiness "
    "probes to the pod spec), or HEALTHCHECK NONE to say there is none on purpose.",
    refs={"hadolint": "DL3057", "trivy": "DS026", "cis-docker": "4.6"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    final = dockerfile.doc.final_stage
    if final is None:
        return
    if not any(list(stage.of("HEALTHCHECK")) for stage in dockerfile.doc.lineage(final)):
        yield Violation(final.from_instruction, "the final stage has no HEALTHCHECK")
