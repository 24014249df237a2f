"""Endpoints (every object that runs pods) and the classes of pods no policy can tell apart.

An endpoint is a Pod or a workload's pod template: its namespace, the pod labels (the template's
for a template), the named container ports, whether it runs in the host network, and the
addresses ``status.podIPs``/``status.podIP`` give where objects carry them (live clusters and
snapshots). PodTemplate objects run nothing and are left out.

NetworkPolicy can tell pods apart only by namespace, labels, named ports (when a rule names a
port), the host-network flag and the ipBlocks their addresses fall in. Pods equal in all of these
form one :class:`PodClass`; evaluation works on classes, so 50 000 replicas of a few hundred
templates cost what a few hundred pods cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kubeguard.engines.posture.netpol.addresses import IPAddress, parse_address
from kubeguard.engines.posture.netpol.ports import NamedPort, parse_protocol
from kubeguard.engines.posture.views import (
    WorkloadView,
    as_list,
    as_mapping,
    as_str,
    get,
    workload_of,
)
from kubeguard.model import Inventory, K8sObject

#: Pod templates that run nothing by themselves.
NOT_RUNNING_KINDS = frozenset({"PodTemplate"})


@dataclass(frozen=True, slots=True, eq=False)
class Endpoint:
    """One object that runs pods, as far as the network is concerned."""

    obj: K8sObject
    namespace: str
    labels: Mapping[str, str]
    named_ports: frozenset[NamedPort]
    host_network: bool
    addresses: tuple[IPAddress, ...]
    """From ``status.podIPs`` (or ``status.podIP``); empty for templates and pending pods."""
    node_name: str | None
    """``spec.nodeName``: the node a scheduled pod runs on."""
    service_account: str
    owned: bool
    """Whether a controller among the inputs owns it (a ReplicaSet's Pod, a Deployment's
    ReplicaSet); owned objects are not workloads of their own in the matrix."""

    @property
    def kind(self) -> str:
        """The object's kind."""
        return self.obj.kind

    @property
    def name(self) -> str:
        """The object's name."""
        return self.obj.name

    @property
    def ref(self) -> str:
        """``namespace/Kind/name``."""
        return f"{self.namespace}/{self.kind}/{self.name}"


def endpoint_of(obj: K8sObject, inventory: Inventory) -> Endpoint | None:
    """The endpoint of ``obj``, or ``None`` if it runs no pods."""
    workload = workload_of(obj, inventory)
    if workload is None or obj.kind in NOT_RUNNING_KINDS:
        return None
    return Endpoint(
        obj=obj,
        namespace=workload.namespace,
        labels={str(k): str(v) for k, v in workload.pod_labels.items()},
        named_ports=_named_ports(workload),
        host_network=workload.field("hostNetwork") is True,
        addresses=_addresses(obj) if obj.kind == "Pod" else (),
        node_name=as_str(workload.field("nodeName")),
        service_account=workload.service_account_name or "default",
        owned=_owned(obj, inventory),
    )


def _named_ports(workload: WorkloadView) -> frozenset[NamedPort]:
    """Named ports of the app containers and of sidecars (init containers that keep running)."""
    found = set()
    for container in workload.containers(ephemeral=False):
        if container.group == "initContainers" and container.field("restartPolicy") != "Always":
            continue
        for _, port in container.ports():
            name, number = as_str(port.get("name")), port.get("containerPort")
            protocol = parse_protocol(port.get("protocol"))
            if name and protocol and isinstance(number, int) and not isinstance(number, bool):
                found.add(NamedPort(name, protocol, number))
    return frozenset(found)


def _addresses(obj: K8sObject) -> tuple[IPAddress, ...]:
    status = as_mapping(obj.manifest.get("status"))
    raw = [get(item, "ip") for item in as_list(status.get("podIPs"))] or [status.get("podIP")]
    parsed = (parse_address(value) for value in raw)
    return tuple(dict.fromkeys(address for address in parsed if address is not None))


def _owned(obj: K8sObject, inventory: Inventory) -> bool:
    namespace = obj.effective_namespace
    for owner in as_list(obj.metadata.get("ownerReferences")):
        kind, name = as_str(get(owner, "kind")), as_str(get(owner, "name"))
        if (
            get(owner, "controller") is True
            and kind
            and name
            and inventory.get(kind, name, namespace) is not None
        ):
            return True
    return False


@dataclass(frozen=True, slots=True, eq=False)
class PodClass:
    """Pods that every NetworkPolicy treats alike."""

    id: int
    namespace: str
    labels: Mapping[str, str]
    named_ports: frozenset[NamedPort]
    host_network: bool
    block_ids: frozenset[int]
    """Indices (into the network's ipBlocks) of the blocks some member's address falls in."""


#: What makes two endpoints indistinguishable.
ClassKey = tuple[str, frozenset[tuple[str, str]], frozenset[NamedPort], bool, frozenset[int]]


def class_key(endpoint: Endpoint, block_ids: frozenset[int]) -> ClassKey:
    """The grouping key of ``endpoint`` whose addresses fall in the blocks ``block_ids``."""
    return (
        endpoint.namespace,
        frozenset(endpoint.labels.items()),
        endpoint.named_ports,
        endpoint.host_network,
        block_ids,
    )
