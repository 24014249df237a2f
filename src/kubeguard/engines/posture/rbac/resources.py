"""Resource types by name: their API group and whether they live in a namespace.

Queries name resources as ``kubectl auth can-i`` does: plural (``deployments``), singular, kind or
short name (``deploy``), optionally qualified by group (``deployments.apps``), with a
subresource (``pods/exec``). Custom resources are known from the CustomResourceDefinitions in the
scan. A cluster-scoped resource is only ever granted by a ClusterRoleBinding: the authorizer sees
no namespace on its requests, so RoleBindings never apply to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kubeguard.engines.posture.views import as_mapping, as_str, as_str_list
from kubeguard.model import K8sObject


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource as RBAC names it."""

    plural: str
    group: str
    namespaced: bool


#: ``plural group namespaced aliases…`` per line; ``-`` is the core group.
_BUILTIN = """\
pods - yes pod po Pod
services - yes service svc Service
endpoints - yes endpoint ep Endpoints
configmaps - yes configmap cm ConfigMap
secrets - yes secret Secret
serviceaccounts - yes serviceaccount sa ServiceAccount
persistentvolumeclaims - yes persistentvolumeclaim pvc PersistentVolumeClaim
replicationcontrollers - yes replicationcontroller rc ReplicationController
events - yes event ev Event
limitranges - yes limitrange limits LimitRange
resourcequotas - yes resourcequota quota ResourceQuota
podtemplates - yes podtemplate PodTemplate
bindings - yes binding Binding
namespaces - no namespace ns Namespace
nodes - no node no Node
persistentvolumes - no persistentvolume pv PersistentVolume
componentstatuses - no componentstatus cs ComponentStatus
users - no user
groups - no group
deployments apps yes deployment deploy Deployment
daemonsets apps yes daemonset ds DaemonSet
statefulsets apps yes statefulset sts StatefulSet
replicasets apps yes replicaset rs ReplicaSet
controllerrevisions apps yes controllerrevision ControllerRevision
jobs batch yes job Job
cronjobs batch yes cronjob cj CronJob
horizontalpodautoscalers autoscaling yes horizontalpodautoscaler hpa HorizontalPodAutoscaler
ingresses networking.k8s.io yes ingress ing Ingress
networkpolicies networking.k8s.io yes networkpolicy netpol NetworkPolicy
ingressclasses networking.k8s.io no ingressclass IngressClass
endpointslices discovery.k8s.io yes endpointslice EndpointSlice
poddisruptionbudgets policy yes poddisruptionbudget pdb PodDisruptionBudget
roles rbac.authorization.k8s.io yes role Role
rolebindings rbac.authorization.k8s.io yes rolebinding RoleBinding
clusterroles rbac.authorization.k8s.io no clusterrole ClusterRole
clusterrolebindings rbac.authorization.k8s.io no clusterrolebinding ClusterRoleBinding
certificatesigningrequests certificates.k8s.io no certificatesigningrequest csr CertificateSigningRequest
signers certificates.k8s.io no signer
mutatingwebhookconfigurations admissionregistration.k8s.io no mutatingwebhookconfiguration MutatingWebhookConfiguration
validatingwebhookconfigurations admissionregistration.k8s.io no validatingwebhookconfiguration ValidatingWebhookConfiguration
validatingadmissionpolicies admissionregistration.k8s.io no validatingadmissionpolicy ValidatingAdmissionPolicy
validatingadmissionpolicybindings admissionregistration.k8s.io no validatingadmissionpolicybinding ValidatingAdmissionPolicyBinding
customresourcedefinitions apiextensions.k8s.io no customresourcedefinition crd crds CustomResourceDefinition
apiservices apiregistration.k8s.io no apiservice APIService
storageclasses storage.k8s.io no storageclass sc StorageClass
csidrivers storage.k8s.io no csidriver CSIDriver
csinodes storage.k8s.io no csinode CSINode
volumeattachments storage.k8s.io no volumeattachment VolumeAttachment
priorityclasses scheduling.k8s.io no priorityclass pc PriorityClass
runtimeclasses node.k8s.io no runtimeclass RuntimeClass
leases coordination.k8s.io yes lease Lease
tokenreviews authentication.k8s.io no tokenreview TokenReview
selfsubjectreviews authentication.k8s.io no selfsubjectreview SelfSubjectReview
uids authentication.k8s.io no uid
userextras authentication.k8s.io no userextra
subjectaccessreviews authorization.k8s.io no subjectaccessreview SubjectAccessReview
selfsubjectaccessreviews authorization.k8s.io no selfsubjectaccessreview SelfSubjectAccessReview
selfsubjectrulesreviews authorization.k8s.io no selfsubjectrulesreview SelfSubjectRulesReview
localsubjectaccessreviews authorization.k8s.io yes localsubjectaccessreview LocalSubjectAccessReview
securitygrouppolicies vpcresources.k8s.aws yes securitygrouppolicy sgp SecurityGroupPolicy
"""


def _builtin() -> dict[str, list[ResourceType]]:
    table: dict[str, list[ResourceType]] = {}
    for line in _BUILTIN.splitlines():
        plural, group, namespaced, *aliases = line.split()
        resource = ResourceType(plural, "" if group == "-" else group, namespaced == "yes")
        for alias in {plural, *aliases, *(alias.lower() for alias in aliases)}:
            table.setdefault(alias, []).append(resource)
    return table


_BUILTIN_TYPES = _builtin()


class ResourceCatalog:
    """The built-in resource types plus those the scan's CustomResourceDefinitions declare."""

    def __init__(self, definitions: Iterable[K8sObject] = ()) -> None:
        self._types = {alias: list(types) for alias, types in _BUILTIN_TYPES.items()}
        for definition in definitions:
            spec = as_mapping(definition.manifest.get("spec"))
            names = as_mapping(spec.get("names"))
            plural, group = as_str(names.get("plural")), as_str(spec.get("group"))
            if not plural or group is None:
                continue
            resource = ResourceType(plural, group, spec.get("scope") != "Cluster")
            aliases = [plural, as_str(names.get("singular")), as_str(names.get("kind"))]
            aliases += as_str_list(names.get("shortNames"))
            for alias in filter(None, aliases):
                self._types.setdefault(alias.lower(), []).append(resource)

    def lookup(self, name: str, group: str | None = None) -> list[ResourceType]:
        """Types a user may mean by ``name`` (``deploy``, ``deployments.apps``), best first."""
        if group is None and "." in name:
            name, _, group = name.partition(".")
        candidates = self._types.get(name) or self._types.get(name.lower()) or []
        if group is not None:
            candidates = [c for c in candidates if c.group == group]
        return candidates

    def is_namespaced(self, plural: str, group: str) -> bool:
        """Whether the resource lives in namespaces; unknown resources are taken to."""
        return all(c.namespaced for c in self._types.get(plural, []) if c.group == group)
