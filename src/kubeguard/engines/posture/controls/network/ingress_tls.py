"""Ingresses terminate TLS.

An Ingress without ``spec.tls`` serves HTTP in clear text: credentials, cookies and data cross
the network readable and changeable by anyone on the path. On EKS the AWS Load Balancer
Controller takes the certificate from the ``alb.ingress.kubernetes.io/certificate-arn``
annotation instead of ``spec.tls``; either passes.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_list, as_str
from kubeguard.model import Severity

ALB_CERTIFICATE = "alb.ingress.kubernetes.io/certificate-arn"


@control(
    id="KG-NET-004",
    title="Ingresses use TLS",
    severity=Severity.MEDIUM,
    remediation=(
        f"Add spec.tls with a certificate Secret for every host, or on an ALB the {ALB_CERTIFICATE} "
        "annotation with an ACM certificate."
    ),
    refs={"kubescape": "C-0263", "polaris": "tlsSettingsMissing"},
    kinds={"Ingress"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if as_list(subject.field("spec", "tls")) or as_str(
        subject.obj.annotations.get(ALB_CERTIFICATE)
    ):
        return
    yield Violation(path=("spec",), message="no spec.tls: the Ingress serves plain HTTP")
