"""The Kubernetes dashboard and Helm 2's Tiller are not deployed.

Both are remote control panels for the cluster that have been abused in the wild. The dashboard
is often installed with a powerful ServiceAccount and, once reachable (through a port-forward,
a proxy or a careless Service), lets anyone with network access act as that account; exposed
dashboards were behind the 2018 Tesla cryptomining compromise. Tiller, the server half of
Helm 2, listens on an unauthenticated gRPC port by default and deploys anything it is sent with
its own, usually cluster-admin, rights; Helm 2 is unsupported since 2020 and Helm 3 has no
server component.

Recognised by image (``kubernetesui/dashboard*``, ``kubernetes-dashboard*``, ``tiller``) or by
the labels their charts and manifests set (``k8s-app`` or ``app`` ``kubernetes-dashboard``;
``app: helm`` with ``name: tiller``).
"""

from collections.abc import Iterator, Mapping
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.image_ref import ImageRef, container_images
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity

DASHBOARD = "the Kubernetes dashboard"
TILLER = "Tiller (Helm 2)"


@control(
    id="KG-NET-010",
    title="No Kubernetes dashboard or Tiller",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove the dashboard and Tiller; use kubectl or a console that authenticates each "
        "user, and Helm 3."
    ),
    refs={
        "mitre": "T1133",
        "kubescape": "C-0014",
        "checkov": ("CKV_K8S_33", "CKV_K8S_34", "CKV_K8S_45"),
        "trivy": "KSV102",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    labelled = _labelled_as(workload.pod_labels) or _labelled_as(workload.obj.labels)
    if labelled:
        yield Violation(
            path=(*workload.meta_path, "labels"),
            message=f"labels mark this as {labelled}",
        )
        return
    for container, image, ref in container_images(workload):
        product = _product_of(ref)
        if product:
            yield Violation(
                path=container.path("image"),
                message=f"container {container.name!r} runs {product}",
                value=image,
            )


def _labelled_as(labels: Mapping[str, Any]) -> str | None:
    if "kubernetes-dashboard" in (labels.get("k8s-app"), labels.get("app")):
        return DASHBOARD
    if labels.get("app") == "helm" and labels.get("name") == "tiller":
        return TILLER
    return None


def _product_of(ref: ImageRef | None) -> str | None:
    if ref is None:
        return None
    *parents, last = ref.repository.split("/")
    if last == "tiller":
        return TILLER
    if last.startswith("kubernetes-dashboard") or (
        parents[-1:] == ["kubernetesui"] and last.startswith("dashboard")
    ):
        return DASHBOARD
    return None
