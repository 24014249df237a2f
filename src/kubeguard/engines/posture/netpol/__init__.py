"""NetworkPolicy reachability with the upstream semantics, and Security Groups for Pods.

Pure: everything is computed from the inventory of one scan, once, through
:meth:`~kubeguard.model.Inventory.derived`. :func:`network_of` gives the index (namespaces, pod
classes, policies), :func:`connection` evaluates one pair, :func:`workload_matrix` a namespace,
:func:`tenant_reach_of` every tenant pair, :func:`security_groups_of` the SecurityGroupPolicy
matches.
"""

from kubeguard.engines.posture.netpol.addresses import (
    METADATA_ADDRESSES,
    METADATA_PORT,
    IpBlock,
)
from kubeguard.engines.posture.netpol.endpoints import Endpoint, PodClass
from kubeguard.engines.posture.netpol.evaluate import (
    Addresses,
    Connection,
    Grant,
    Side,
    allowed_ports,
    connection,
    side,
)
from kubeguard.engines.posture.netpol.matrix import Matrix, workload_matrix
from kubeguard.engines.posture.netpol.network import NAMESPACE_NAME_LABEL, Network, network_of
from kubeguard.engines.posture.netpol.policy import Direction, Peer, Policy, Rule
from kubeguard.engines.posture.netpol.ports import PortSet, Protocol
from kubeguard.engines.posture.netpol.reach import (
    EndpointError,
    Reachability,
    ReachEndpoint,
    parse_port,
    reach,
    resolve,
)
from kubeguard.engines.posture.netpol.security_groups import (
    SecurityGroupPolicy,
    SecurityGroups,
    security_groups_of,
)
from kubeguard.engines.posture.netpol.tenancy import TenantReach, tenant_reach_of

__all__ = [
    "METADATA_ADDRESSES",
    "METADATA_PORT",
    "NAMESPACE_NAME_LABEL",
    "Addresses",
    "Connection",
    "Direction",
    "Endpoint",
    "EndpointError",
    "Grant",
    "IpBlock",
    "Matrix",
    "Network",
    "Peer",
    "PodClass",
    "Policy",
    "PortSet",
    "Protocol",
    "ReachEndpoint",
    "Reachability",
    "Rule",
    "SecurityGroupPolicy",
    "SecurityGroups",
    "Side",
    "TenantReach",
    "allowed_ports",
    "connection",
    "network_of",
    "parse_port",
    "reach",
    "resolve",
    "security_groups_of",
    "side",
    "tenant_reach_of",
    "workload_matrix",
]
