"""Containers must have CPU and memory requests and limits.

Without a memory limit one container can exhaust the node's memory and get its neighbours
killed; without a CPU limit it can starve them. Requests are what the scheduler reserves: a pod
without them lands on nodes that cannot hold it and is the first to be evicted. A compromised or
runaway workload without limits turns into a denial of service for everything on its node.

The control judges the values the pod runs with, so a field counts as set when Kubernetes fills
it in at admission: a request missing next to a limit takes the limit's value, a LimitRange of
the namespace (``type: Container``) supplies ``default`` limits and ``defaultRequest`` (or else
``default``) requests, and pod-level ``spec.resources`` bound every container of the pod. Each
field that is still missing is one finding, at the path where it belongs. Init containers are
checked too; ephemeral containers cannot declare resources.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_list, as_mapping, get
from kubeguard.model import Inventory, Severity

RESOURCES = ("cpu", "memory")
SECTIONS = ("requests", "limits")
#: Field of a LimitRange ``Container`` item that supplies each section, in order of preference.
LIMIT_RANGE_DEFAULTS = {"requests": ("defaultRequest", "default"), "limits": ("default",)}

Field = tuple[str, str]
"""``(section, resource)``, e.g. ``("limits", "memory")``."""


@control(
    id="KG-POD-021",
    title="Containers set CPU and memory requests and limits",
    severity=Severity.LOW,
    remediation=(
        "Set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and "
        "resources.limits.memory on every container, or give the namespace a LimitRange with "
        "default and defaultRequest values."
    ),
    refs={
        "kubescape": ("C-0004", "C-0009", "C-0050", "C-0268", "C-0269", "C-0270", "C-0271"),
        "checkov": ("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
        "trivy": ("KSV011", "KSV015", "KSV016", "KSV018"),
        "polaris": (
            "cpuRequestsMissing",
            "memoryRequestsMissing",
            "cpuLimitsMissing",
            "memoryLimitsMissing",
        ),
        "kube-score": "container-resources",
        "hardeneks": "set_requests_limits_for_containers",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    supplied = _pod_level(workload) | _namespace_defaults(context.inventory, workload.namespace)
    for container in workload.containers(ephemeral=False):
        resources = as_mapping(container.field("resources"))
        for section in SECTIONS:
            for resource in RESOURCES:
                if (section, resource) in supplied or _is_set(resources, section, resource):
                    continue
                if section == "requests" and _is_set(resources, "limits", resource):
                    continue
                yield Violation(
                    path=container.path("resources", section, resource),
                    message=f"{container.label} sets no {resource} {section[:-1]} "
                    f"(resources.{section}.{resource})",
                )


def _is_set(resources: Mapping[str, Any], section: str, resource: str) -> bool:
    value = get(resources, section, resource)
    return value is not None and value != ""


def _pod_level(workload: WorkloadView) -> set[Field]:
    """Fields bounded for the whole pod by ``spec.resources``."""
    resources = as_mapping(workload.field("resources"))
    return {
        (section, resource)
        for section in SECTIONS
        for resource in RESOURCES
        if _is_set(resources, section, resource)
    }


def _namespace_defaults(inventory: Inventory, namespace: str) -> set[Field]:
    """Fields a LimitRange in ``namespace`` fills in for containers that leave them out."""
    supplied: set[Field] = set()
    for limit_range in inventory.of_kind("LimitRange", namespace):
        for item in as_list(get(limit_range.manifest, "spec", "limits")):
            if get(item, "type") != "Container":
                continue
            for section, sources in LIMIT_RANGE_DEFAULTS.items():
                for resource in RESOURCES:
                    if any(_is_set(as_mapping(item), key, resource) for key in sources):
                        supplied.add((section, resource))
    return supplied
