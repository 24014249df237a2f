"""ConfigMaps and object annotations carry no credentials in clear text.

ConfigMaps are not secret: RBAC roles such as ``view`` read them, they are not encrypted with the
Secret KMS key, and tools print them freely. Annotations are worse: every reader of the object's
metadata sees them. A credential there is exposed to all of those readers, and to everyone who
sees the manifest in Git. Likewise ``kubectl apply`` stores the whole applied object in the
``kubectl.kubernetes.io/last-applied-configuration`` annotation; for a Secret that is its
``data`` (base64, i.e. clear) or ``stringData`` in clear text, now part of metadata as well.

Searched: every ``data`` value of a ConfigMap (a key with a sensitive name, such as
``DB_PASSWORD``, holding a one-line literal counts as a credential, as do credentials inside file
contents), and the annotations of the object (ConfigMaps, Secrets, Services, Ingresses,
ServiceAccounts and the other core kinds listed below; workloads are KG-DATA-010's). A Secret
whose ``last-applied-configuration`` holds ``data`` or ``stringData`` is reported with the keys it
repeats. ``binaryData`` is not searched. Credentials are reported once per object, only by kind,
a fixed prefix and length.
"""

import json
from collections.abc import Iterator, Mapping

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.credential_scan import (
    LAST_APPLIED,
    Found,
    in_annotations,
    in_text,
    reported,
)
from kubeguard.engines.posture.credentials import credential_of, literal_value, sensitive_name
from kubeguard.engines.posture.views import ObjectView, as_mapping, as_str
from kubeguard.model import Severity

#: Kinds whose annotations (and, for ConfigMaps, data) are searched.
SEARCHED_KINDS = frozenset(
    {
        "ConfigMap",
        "Secret",
        "Service",
        "Ingress",
        "IngressClass",
        "ServiceAccount",
        "Namespace",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "StorageClass",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "NetworkPolicy",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ResourceQuota",
        "LimitRange",
        "PriorityClass",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "APIService",
    }
)
#: Fields of a Secret manifest that hold its values.
SECRET_VALUE_FIELDS = ("data", "stringData")


@control(
    id="KG-DATA-011",
    title="ConfigMaps and annotations carry no credentials in clear text",
    severity=Severity.HIGH,
    remediation=(
        "Move the credential into a Secret (or an external secret store) and rotate it; apply "
        "Secrets with server-side apply or kubectl create so no last-applied copy is kept."
    ),
    refs={
        "kubescape": "C-0012",
        "polaris": "sensitiveConfigmapContent",
        "trivy": ("KSV0109", "KSV01010"),
        "mitre": "T1552.001",
    },
    kinds=SEARCHED_KINDS,
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    annotations = subject.obj.annotations
    base = ("metadata", "annotations")
    if subject.kind == "Secret" and isinstance(annotations.get(LAST_APPLIED), str):
        yield from _secret_copy(annotations[LAST_APPLIED], (*base, LAST_APPLIED))
        yield from reported(in_annotations(annotations, base, skip=(LAST_APPLIED,)))
        return
    yield from reported(_found(subject))


def _found(subject: ObjectView) -> Iterator[Found]:
    if subject.kind == "ConfigMap":
        for key, value in as_mapping(subject.field("data")).items():
            if not isinstance(value, str):
                continue
            path = ("data", key)
            if sensitive_name(key) and "\n" not in value.strip() and literal_value(value):
                yield Found(
                    path, f"data key {key!r}", credential_of("value of a secret-named key", value)
                )
            yield from in_text(value, path, f"data key {key!r}")
    yield from in_annotations(subject.obj.annotations, ("metadata", "annotations"))


def _secret_copy(text: str, path: tuple[str, ...]) -> Iterator[Violation]:
    try:
        applied = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not isinstance(applied, Mapping):
        return
    for field in SECRET_VALUE_FIELDS:
        values = as_mapping(applied.get(field))
        keys = sorted(str(key) for key in values if as_str(values[key]))
        if keys:
            yield Violation(
                path=path,
                message=(
                    f"the {LAST_APPLIED} annotation repeats the Secret's {field} "
                    f"(keys: {', '.join(keys)}) in the object's metadata"
                ),
                value=keys,
            )
