"""Ingresses carry no ingress-nginx snippet annotations.

``*-snippet`` annotations (``configuration-snippet``, ``server-snippet``, ``auth-snippet`` …)
paste raw NGINX configuration into the controller. Whoever may create an Ingress can then read
the controller's service-account token and every Secret it can see (CVE-2021-25742), or send
traffic anywhere. Recent ingress-nginx releases refuse them unless
``allow-snippet-annotations`` is enabled, and annotation validation rejects risky ones; both
are controller settings outside the Ingress.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

SNIPPET_SUFFIX = "-snippet"


@control(
    id="KG-NET-009",
    title="Ingresses use no NGINX snippet annotations",
    severity=Severity.HIGH,
    remediation=(
        "Remove the snippet annotation and use the dedicated ingress-nginx annotations or a "
        "ConfigMap the platform team controls; keep allow-snippet-annotations disabled."
    ),
    refs={
        "kubescape": "C-0059",
        "checkov": ("CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154"),
        "trivy": "KCV0093",
    },
    kinds={"Ingress"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    for key in subject.obj.annotations:
        if str(key).rpartition("/")[2].endswith(SNIPPET_SUFFIX):
            yield Violation(
                path=("metadata", "annotations", str(key)),
                message=f"annotation {key} injects raw NGINX configuration",
            )
