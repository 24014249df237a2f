"""Containers pull their image on every start (``imagePullPolicy: Always``).

With ``IfNotPresent`` or ``Never`` the kubelet starts a container from an image already cached on
the node. Two consequences: a pod without the registry credentials (``imagePullSecrets``) can run
a private image another pod pulled earlier, and a re-pushed tag keeps running its old content on
some nodes and the new one on others. ``Always`` makes the kubelet ask the registry every time;
layers already present are not downloaded again, so the cost is one request.

When the field is unset, Kubernetes fills in ``Always`` only if the image is pulled as
``:latest`` (tag ``latest``, or neither tag nor digest) and ``IfNotPresent`` otherwise; this
control judges that effective value.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import default_pull_policy
from kubeguard.engines.posture.views import WorkloadView, as_str
from kubeguard.model import Severity

ALWAYS = "Always"


@control(
    id="KG-IMG-006",
    title="Images are pulled on every container start",
    severity=Severity.LOW,
    remediation="Set imagePullPolicy: Always on every container.",
    refs={
        "checkov": "CKV_K8S_15",
        "polaris": "pullPolicyNotAlways",
        "kube-score": "container-image-pull-policy",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for container in workload.containers():
        written = as_str(container.field("imagePullPolicy")) or None
        policy = written or default_pull_policy(container.image)
        if policy == ALWAYS:
            continue
        if written:
            message = f"{container.label} has imagePullPolicy {policy}"
        else:
            message = (
                f"{container.label} leaves imagePullPolicy unset, which Kubernetes defaults to "
                f"{policy} for an image not pulled as :latest"
            )
        yield Violation(path=container.path("imagePullPolicy"), message=message, value=written)
