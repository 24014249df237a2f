"""AWS load balancers terminate TLS on every port they serve.

A ``LoadBalancer`` Service on EKS gets an AWS Network or Classic Load Balancer. Without the
``service.beta.kubernetes.io/aws-load-balancer-ssl-cert`` annotation it forwards plain TCP, so
traffic crosses the network unencrypted unless the application terminates TLS itself; with the
certificate, ``...-ssl-ports`` (default: every port) says which ports get TLS, and the others
stay plain.

Services with a ``loadBalancerClass`` of another provider are not AWS load balancers and pass.
A Service whose pods terminate TLS themselves (TLS passthrough) fails too: record that as an
exception with the reason.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView, as_list, as_mapping, as_str
from kubeguard.model import Severity

SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"
#: ``loadBalancerClass`` values that mean an AWS load balancer (AWS Load Balancer Controller,
#: EKS Auto Mode).
AWS_CLASS_PREFIXES = ("service.k8s.aws/", "eks.amazonaws.com/")


@control(
    id="KG-NET-003",
    title="AWS load balancers use TLS",
    severity=Severity.MEDIUM,
    remediation=(
        f"Set the {SSL_CERT} annotation to an ACM certificate ARN and list every served port "
        f"in {SSL_PORTS} (or leave it unset for all ports)."
    ),
    refs={
        "cis-eks": "5.4.5",
        "kubescape": "C-0231",
        "hardeneks": "use_encryption_with_aws_load_balancers",
    },
    kinds={"Service"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    if subject.field("spec", "type") != "LoadBalancer":
        return
    load_balancer_class = as_str(subject.field("spec", "loadBalancerClass"))
    if load_balancer_class and not load_balancer_class.startswith(AWS_CLASS_PREFIXES):
        return
    annotations = subject.obj.annotations
    if not as_str(annotations.get(SSL_CERT)):
        yield Violation(
            path=("metadata", "annotations"),
            message=f"no {SSL_CERT} annotation: the load balancer forwards plain TCP",
        )
        return
    ssl_ports = {p.strip() for p in str(annotations.get(SSL_PORTS, "*")).split(",")}
    if "*" in ssl_ports:
        return
    for index, port in enumerate(as_list(subject.field("spec", "ports"))):
        port = as_mapping(port)
        names = {str(port.get("port")), str(port.get("name"))}
        if not names & ssl_ports:
            yield Violation(
                path=("spec", "ports", index),
                message=f"port {port.get('port')} is not in {SSL_PORTS}: served without TLS",
                value=port.get("port"),
            )
