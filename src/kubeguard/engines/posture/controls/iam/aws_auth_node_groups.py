"""aws-auth gives node roles the node groups and nothing more.

The IAM role of a node group is mapped to ``system:bootstrappers`` and ``system:nodes`` so its
kubelets can join and act as nodes; the Node authorizer and NodeRestriction then limit each
kubelet to its own node and the pods on it. Every pod that can reach the instance metadata service
(or that runs with ``hostNetwork``) can obtain the node role's credentials, so any further group on
that mapping, ``system:masters`` or an RBAC group with real rights, is handed to every such pod.

A mapping counts as a node mapping when its username starts with ``system:node:`` or its groups
include ``system:nodes`` or ``system:bootstrappers``. Allowed besides those two:
``eks:kube-proxy-windows`` (the documented mapping for Windows nodes) and
``system:node-proxier`` (the documented mapping for a Fargate pod execution role).
"""

from collections.abc import Iterator

from kubeguard.engines.posture.aws_auth import read_aws_auth
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

NODE_GROUPS = frozenset({"system:bootstrappers", "system:nodes"})
#: Groups EKS documents for Windows nodes and Fargate pod execution roles.
PLATFORM_NODE_GROUPS = frozenset({"eks:kube-proxy-windows", "system:node-proxier"})
NODE_USERNAME_PREFIX = "system:node:"


@control(
    id="KG-IAM-042",
    title="aws-auth node-role mappings grant only the node groups",
    severity=Severity.HIGH,
    remediation=(
        "Keep node-role entries of aws-auth to system:bootstrappers and system:nodes; give "
        "other rights to a separate IAM role that pods cannot reach through instance metadata."
    ),
    refs={"mitre": "T1552.005"},
    kinds={"ConfigMap"},
)
def check(config_map: ObjectView, context: CheckContext) -> Iterator[Violation]:
    aws_auth = read_aws_auth(config_map.obj, context.inventory)
    for mapping in aws_auth.mappings if aws_auth is not None else ():
        username = mapping.username or ""
        if not (NODE_GROUPS & set(mapping.groups) or username.startswith(NODE_USERNAME_PREFIX)):
            continue
        extra = [g for g in mapping.groups if g not in NODE_GROUPS | PLATFORM_NODE_GROUPS]
        if extra:
            yield Violation(
                path=mapping.path("groups"),
                message=(
                    f"{mapping.where} maps node role {mapping.principal} to "
                    f"{', '.join(extra)} as well as the node groups; every pod that reaches "
                    "the node's instance metadata gets these rights"
                ),
                value=list(mapping.groups),
            )
