"""Roles do not use wildcards for verbs or resources.

``*`` in ``verbs`` or ``resources`` grants everything that exists, including subresources such as
``pods/exec``, the ``escalate``, ``bind`` and ``impersonate`` verbs, and every resource a
CustomResourceDefinition adds later. The role's author rarely meant all of that, and the grant
grows silently with the cluster. Listing the verbs and resources needed keeps the role reviewable.

Each ``*`` in a rule's ``verbs`` or ``resources`` fails, on the Role or ClusterRole that writes it
(that is where the fix goes), whether or not a binding in the scan uses it. ``*`` in
``apiGroups`` alone, naming the same resource in every group, passes. Not judged: roles Kubernetes
and EKS ship (bootstrap label, ``eks:`` names), which the control plane keeps as they are, and
aggregated ClusterRoles, whose rules the aggregation controller copies from the roles it selects;
those source roles are judged instead.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.rbac.defaults import is_shipped
from kubeguard.engines.posture.rbac.rules import ALL, RoleKey, Rule
from kubeguard.engines.posture.views import ObjectView, as_list
from kubeguard.model import Severity


@control(
    id="KG-IAM-003",
    title="No wildcards in role verbs or resources",
    severity=Severity.HIGH,
    remediation="List the verbs and resources the role needs instead of '*'.",
    refs={
        "cis-eks": "4.1.3",
        "kubescape": "C-0187",
        "hardeneks": ("restrict_wildcard_for_cluster_roles", "restrict_wildcard_for_roles"),
        "checkov": "CKV_K8S_49",
        "trivy": ("KSV044", "KSV045", "KSV046"),
    },
    kinds={"Role", "ClusterRole"},
)
def check(role: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if is_shipped(role.obj) or role.field("aggregationRule") is not None:
        return
    key = RoleKey(role.kind, role.obj.effective_namespace or "", role.obj.name)
    for index, raw in enumerate(as_list(role.field("rules"))):
        rule = Rule.parse(raw, key, index)
        for field, values, what in (
            ("verbs", rule.verbs, "every verb"),
            ("resources", rule.resources, "every resource and subresource"),
        ):
            if ALL in values:
                yield Violation(
                    path=("rules", index, field),
                    message=f"rules[{index}] grants {what} ('*'): {rule.describe()}",
                    value=sorted(values),
                )
