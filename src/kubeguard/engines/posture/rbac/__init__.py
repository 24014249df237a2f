"""RBAC as the API server evaluates it: effective permissions, queries and escalation paths.

Pure functions of the scan's objects. The indexes are built once per scan and kept on the
inventory (:func:`rbac_index`, :func:`escalation_graph`), so controls that each look at one
binding share them.
"""

from kubeguard.engines.posture.rbac.escalation import (
    GOAL,
    AnyAccountOf,
    EscalationGraph,
    EscalationPath,
    PodsOf,
    Step,
    escalation_graph,
)
from kubeguard.engines.posture.rbac.index import Binding, Grant, RbacIndex, Role, rbac_index
from kubeguard.engines.posture.rbac.queries import (
    CanAnswer,
    HeldPermission,
    QueryError,
    SubjectAnswer,
    WhoCanAnswer,
    build_request,
    can,
    parse_subject,
    permissions_of,
    who_can,
)
from kubeguard.engines.posture.rbac.risks import RISKS, Permission, Risk
from kubeguard.engines.posture.rbac.rules import Request, RoleKey, Rule
from kubeguard.engines.posture.rbac.subjects import Subject, SubjectKind

__all__ = [
    "GOAL",
    "RISKS",
    "AnyAccountOf",
    "Binding",
    "CanAnswer",
    "EscalationGraph",
    "EscalationPath",
    "Grant",
    "HeldPermission",
    "Permission",
    "PodsOf",
    "QueryError",
    "RbacIndex",
    "Request",
    "Risk",
    "Role",
    "RoleKey",
    "Rule",
    "Step",
    "Subject",
    "SubjectAnswer",
    "SubjectKind",
    "WhoCanAnswer",
    "build_request",
    "can",
    "escalation_graph",
    "parse_subject",
    "permissions_of",
    "rbac_index",
    "who_can",
]
