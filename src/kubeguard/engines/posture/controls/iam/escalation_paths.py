"""No subject can escalate to cluster-admin power.

Single permissions look harmless in isolation: creating pods in one namespace, creating tokens
for one account, impersonating one group. Chained, they often end in cluster-admin: a CI account
creates a pod in its namespace as another account there, that account may create pods in
``kube-system``, and every cluster runs controller accounts there that may escalate any role.
This control follows such chains through the whole scan and reports the shortest one for each
subject and binding it starts from. The steps it knows are in the
:mod:`~kubeguard.engines.posture.rbac.escalation` documentation: pod and workload creation,
exec and ephemeral containers, token creation, Secret creation and token reads, impersonation,
``bind`` and ``escalate``, and group membership; the goal is any cluster-wide permission as good
as cluster-admin.

A binding fails for each subject whose shortest path starts with a step the binding allows; the
message lists every step with the binding and rule behind it. Subjects that hold cluster-admin
power outright are not "escalating" and are left to KG-IAM-002, KG-IAM-030 and the permission
controls; subjects of bindings Kubernetes and EKS ship are not judged. ``kubeguard rbac paths``
lists the same paths.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.checks import BINDINGS, binding_of
from kubeguard.engines.posture.rbac.escalation import escalation_graph
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-IAM-029",
    title="No privilege-escalation path to cluster-admin",
    severity=Severity.CRITICAL,
    remediation=(
        "Break the path at its first step: remove the permission this binding grants, or move "
        "the more privileged ServiceAccount it leads to into a namespace of its own."
    ),
    refs={"mitre": "T1078.004", "kubescape": ("C-0188", "C-0191", "C-0272")},
    kinds=BINDINGS,
)
def check(binding: ObjectView, context: CheckContext) -> Iterator[Violation]:
    resolved = binding_of(binding, context)
    if resolved is None:
        return
    for path in escalation_graph(context.inventory).paths_through(resolved):
        yield Violation(
            path=("subjects", path.subject_index),
            message=(
                f"{path.subject} can reach cluster-admin power in {len(path)} steps: "
                f"{path.describe()}"
            ),
            value=[step.describe() for step in path.steps],
        )
