"""Workloads do not tolerate the control-plane taint.

Control-plane nodes carry the ``node-role.kubernetes.io/control-plane`` (formerly ``master``)
``NoSchedule`` taint so that ordinary pods never share a host with the API server, etcd and their
keys. A toleration for that key, or a blanket toleration (``operator: Exists`` with no key), lets
the pod be scheduled there, where a container escape reaches the cluster's root credentials. On
EKS the control plane is managed and has no such nodes, but a blanket toleration also overrides
every taint used to keep workloads off dedicated or isolated node groups. DaemonSets are exempt
from the blanket form: node agents are meant to run on every node, and the DaemonSet controller
already tolerates the node-condition taints.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_list, as_str
from kubeguard.model import Severity

CONTROL_PLANE_TAINTS = frozenset(
    {"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"}
)
#: Toleration effects that match the control-plane NoSchedule taint (empty matches every effect).
_MATCHING_EFFECTS = frozenset({"", "NoSchedule"})


@control(
    id="KG-POD-040",
    title="Workloads do not tolerate the control-plane taint",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove tolerations for node-role.kubernetes.io/control-plane and master, and give "
        "blanket tolerations a key; tolerate only the taints of the nodes the workload needs."
    ),
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, toleration in enumerate(as_list(workload.field("tolerations"))):
        if not isinstance(toleration, dict):
            continue
        if (as_str(toleration.get("effect")) or "") not in _MATCHING_EFFECTS:
            continue
        key = as_str(toleration.get("key")) or ""
        if key in CONTROL_PLANE_TAINTS:
            message = f"tolerations[{index}] tolerates the control-plane taint {key}"
        elif not key and toleration.get("operator") == "Exists" and workload.kind != "DaemonSet":
            message = f"tolerations[{index}] tolerates every taint, control-plane ones included"
        else:
            continue
        yield Violation(path=workload.path("tolerations", index), message=message, value=toleration)
