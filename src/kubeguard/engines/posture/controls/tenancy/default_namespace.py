"""Applications are not deployed into the ``default`` namespace.

Namespaces are the unit Kubernetes scopes RBAC, ResourceQuotas, NetworkPolicies and Pod Security
Admission labels to. ``default`` is where everything lands that names no namespace, so it mixes
unrelated applications, collects broad grants made "just for testing", and rarely carries
policies tailored to what runs there. Giving each application its own namespace lets those
controls separate it from the rest.

Judged are the objects that make up an application: workloads (Pod and every kind with a pod
template), Services, Ingresses, ConfigMaps, Secrets and PersistentVolumeClaims whose
``metadata.namespace`` is ``default`` or unset. An unset namespace is reported too: ``kubectl
apply`` puts the object in the current context's namespace, which is ``default`` unless changed.
Objects Kubernetes itself creates there pass: the ``kubernetes`` Service, the
``kube-root-ca.crt`` ConfigMap and the ``default-token-*`` token Secrets of older clusters.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WORKLOAD_KINDS, ObjectView, as_str
from kubeguard.model import Severity

DEFAULT_NAMESPACE = "default"
APPLICATION_KINDS = WORKLOAD_KINDS | {
    "Service",
    "Ingress",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
}
#: ``(kind, name)`` of objects the control plane creates in every namespace or in ``default``.
BUILT_IN_OBJECTS = frozenset({("Service", "kubernetes"), ("ConfigMap", "kube-root-ca.crt")})
#: Name prefix and type of the ServiceAccount token Secrets clusters before 1.24 created.
LEGACY_CREDENTIAL_PREFIX = "default-token-"
LEGACY_CREDENTIAL_TYPE = "kubernetes.io/service-account-token"


@control(
    id="KG-MT-003",
    title="Applications are not in the default namespace",
    severity=Severity.LOW,
    remediation=(
        "Set metadata.namespace to a namespace of the application's own, with its own RBAC, "
        "quotas, NetworkPolicies and Pod Security labels."
    ),
    refs={
        "cis-eks": "4.5.2",
        "kubescape": ("C-0061", "C-0212"),
        "checkov": "CKV_K8S_21",
        "trivy": "KSV110",
    },
    kinds=APPLICATION_KINDS,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    obj = subject.obj
    if obj.namespace not in (None, "", DEFAULT_NAMESPACE) or _built_in(subject):
        return
    if obj.namespace == DEFAULT_NAMESPACE:
        message = f"{obj.kind} is in the default namespace"
    else:
        message = (
            f"{obj.kind} sets no namespace, so it lands in the current context's namespace "
            "(default unless changed)"
        )
    yield Violation(path=("metadata", "namespace"), message=message, value=obj.namespace)


def _built_in(subject: ObjectView) -> bool:
    name = subject.obj.name
    if (subject.kind, name) in BUILT_IN_OBJECTS:
        return True
    return (
        subject.kind == "Secret"
        and name.startswith(LEGACY_CREDENTIAL_PREFIX)
        and as_str(subject.field("type")) == LEGACY_CREDENTIAL_TYPE
    )
