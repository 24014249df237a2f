"""Security Groups for Pods: which pods each ``SecurityGroupPolicy`` gives its security groups.

``SecurityGroupPolicy`` (``vpcresources.k8s.aws/v1beta1``) is matched by the VPC resource
controller when a pod is created: only policies of the pod's namespace count; ``podSelector``
matches the pod's labels and ``serviceAccountSelector`` the labels of the pod's ServiceAccount
(both must match when both are set; ``{}`` matches everything). A policy with neither selector,
or without ``securityGroups.groupIds``, is ignored by the controller. The groups of every
matching policy are unioned onto the pod's branch ENI.

Security groups are enforced by the VPC, not by the CNI: they are reported next to the
NetworkPolicy verdict but not evaluated for reachability (their rules live in EC2, not in the
manifests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kubeguard.engines.posture.netpol.endpoints import Endpoint
from kubeguard.engines.posture.netpol.network import network_of
from kubeguard.engines.posture.netpol.problems import Problem
from kubeguard.engines.posture.selectors import LabelSelector
from kubeguard.engines.posture.views import as_mapping, as_str_list, get
from kubeguard.model import Inventory, K8sObject

KIND = "SecurityGroupPolicy"
API_GROUP = "vpcresources.k8s.aws"


@dataclass(frozen=True, slots=True, eq=False)
class SecurityGroupPolicy:
    """One SecurityGroupPolicy as the controller reads it."""

    obj: K8sObject
    namespace: str
    name: str
    pod_selector: LabelSelector | None
    service_account_selector: LabelSelector | None
    group_ids: tuple[str, ...]
    problems: tuple[Problem, ...]
    """Why the controller ignores the policy, if it does."""

    @property
    def ref(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"

    def matches(self, endpoint: Endpoint, service_account_labels: Mapping[str, str]) -> bool:
        """Whether a pod of ``endpoint`` whose ServiceAccount has those labels gets the groups."""
        if self.problems or endpoint.namespace != self.namespace:
            return False
        if self.pod_selector is not None and not self.pod_selector.matches(endpoint.labels):
            return False
        return self.service_account_selector is None or self.service_account_selector.matches(
            service_account_labels
        )


def is_security_group_policy(obj: K8sObject) -> bool:
    """Whether ``obj`` is a SecurityGroupPolicy of the VPC resource controller."""
    return obj.kind == KIND and obj.api_version.startswith(f"{API_GROUP}/")


def parse_security_group_policy(obj: K8sObject) -> SecurityGroupPolicy:
    """Read a SecurityGroupPolicy; what makes the controller ignore it becomes a problem."""
    spec = as_mapping(obj.manifest.get("spec"))
    problems: list[Problem] = []
    selectors: dict[str, LabelSelector | None] = {}
    for key in ("podSelector", "serviceAccountSelector"):
        raw = spec.get(key)
        selector = None if raw is None else LabelSelector.parse(raw)
        if selector is not None and not selector.valid:
            problems.append(Problem(("spec", key), f"malformed {key}; the policy matches nothing"))
        selectors[key] = selector
    if selectors["podSelector"] is None and selectors["serviceAccountSelector"] is None:
        problems.append(
            Problem(("spec",), "neither podSelector nor serviceAccountSelector: ignored")
        )
    group_ids = tuple(as_str_list(get(spec, "securityGroups", "groupIds")))
    if not group_ids:
        problems.append(
            Problem(("spec", "securityGroups", "groupIds"), "no security group ids: ignored")
        )
    return SecurityGroupPolicy(
        obj=obj,
        namespace=obj.effective_namespace or "default",
        name=obj.name,
        pod_selector=selectors["podSelector"],
        service_account_selector=selectors["serviceAccountSelector"],
        group_ids=group_ids,
        problems=tuple(problems),
    )


class SecurityGroups:
    """Every SecurityGroupPolicy of a scan and the endpoints each one selects."""

    def __init__(self, inventory: Inventory) -> None:
        network = network_of(inventory)
        self.policies: tuple[SecurityGroupPolicy, ...] = tuple(
            parse_security_group_policy(obj)
            for obj in inventory.of_kind(KIND)
            if is_security_group_policy(obj)
        )
        self.policy_of: dict[K8sObject, SecurityGroupPolicy] = {p.obj: p for p in self.policies}
        service_account_labels = {
            (obj.effective_namespace, obj.name): {str(k): str(v) for k, v in obj.labels.items()}
            for obj in inventory.of_kind("ServiceAccount")
        }
        by_namespace: dict[str, list[SecurityGroupPolicy]] = defaultdict(list)
        for policy in self.policies:
            by_namespace[policy.namespace].append(policy)
        self._of_endpoint: dict[Endpoint, tuple[SecurityGroupPolicy, ...]] = {}
        selected: dict[SecurityGroupPolicy, list[Endpoint]] = defaultdict(list)
        for endpoint in network.endpoints:
            candidates = by_namespace.get(endpoint.namespace)
            if not candidates:
                continue
            labels = service_account_labels.get((endpoint.namespace, endpoint.service_account), {})
            matching = tuple(p for p in candidates if p.matches(endpoint, labels))
            self._of_endpoint[endpoint] = matching
            for policy in matching:
                selected[policy].append(endpoint)
        self._selected = {policy: tuple(found) for policy, found in selected.items()}

    def of_endpoint(self, endpoint: Endpoint) -> tuple[SecurityGroupPolicy, ...]:
        """The policies whose security groups the endpoint's pods get."""
        return self._of_endpoint.get(endpoint, ())

    def group_ids(self, endpoint: Endpoint) -> tuple[str, ...]:
        """The security group ids the endpoint's pods get, in policy order, without repeats."""
        return tuple(
            dict.fromkeys(group for p in self.of_endpoint(endpoint) for group in p.group_ids)
        )

    def selected(self, policy: SecurityGroupPolicy) -> tuple[Endpoint, ...]:
        """The endpoints ``policy`` gives its groups to."""
        return self._selected.get(policy, ())


def security_groups_of(inventory: Inventory) -> SecurityGroups:
    """The scan's Security Groups for Pods index, built on first use."""
    return inventory.derived(SecurityGroups, SecurityGroups)
