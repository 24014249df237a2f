"""Which AWS identity a workload's pods get, and whether they look like they call AWS at all.

On EKS a pod gets AWS credentials, in the order the AWS SDKs' default chains try them, from:
static keys in its environment (``AWS_ACCESS_KEY_ID``), a web identity (IRSA: the pod identity
webhook injects ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` into pods whose
ServiceAccount carries ``eks.amazonaws.com/role-arn``), the container credentials endpoint (EKS
Pod Identity: ``AWS_CONTAINER_CREDENTIALS_FULL_URI``), and last the instance metadata service,
which hands out the **node's** role. A workload with none of the first three shares the node role
with every other pod on the node. EKS Pod Identity associations live in the EKS API, not in any
manifest, so from manifests alone a workload without IRSA may still have one; findings say so.

Whether a workload calls AWS is judged from what its manifest shows, and nothing else:

- an image known to call AWS APIs: the AWS CLI, AWS's own controllers and drivers (load balancer
  controller, EBS/EFS/FSx/S3 CSI drivers, Karpenter, node termination handler, the Secrets
  Manager CSI provider, CloudWatch agent, Fluent Bit and ADOT images for AWS, Velero's AWS
  plugin), matched on the image repository;
- AWS SDK configuration in the environment: ``AWS_REGION``, ``AWS_DEFAULT_REGION``,
  ``AWS_PROFILE``, ``AWS_SDK_LOAD_CONFIG``, ``AWS_STS_REGIONAL_ENDPOINTS``, ``AWS_ENDPOINT_URL*``;
- a command line that runs the AWS CLI (``aws s3 …``), names an ``s3://`` location, or selects
  the AWS provider (``--cloud-provider=aws``, ``--provider=aws``, as cluster-autoscaler and
  external-dns take it).

Applications that call AWS through an SDK with none of these visible are not recognised; that is
the price of not guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kubeguard.engines.posture.env import env_vars
from kubeguard.engines.posture.image_ref import parse_image
from kubeguard.engines.posture.service_accounts import service_account_of
from kubeguard.engines.posture.views import ContainerView, WorkloadView, as_list
from kubeguard.model import Inventory

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"

#: Environment variables that hand a container credentials other than the node role's.
STATIC_KEY_VARIABLES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SHARED_CREDENTIALS_FILE"})
WEB_IDENTITY_VARIABLES = frozenset({"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"})
CONTAINER_CREDENTIAL_VARIABLES = frozenset(
    {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}
)
#: AWS SDK settings: a container that sets them means to call AWS.
SDK_VARIABLES = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_SDK_LOAD_CONFIG",
        "AWS_STS_REGIONAL_ENDPOINTS",
    }
)
SDK_VARIABLE_PREFIXES = ("AWS_ENDPOINT_URL",)
#: Last path segments of image repositories whose programs call AWS APIs.
AWS_CALLING_IMAGES = frozenset(
    {
        "aws-cli",
        "aws-load-balancer-controller",
        "aws-ebs-csi-driver",
        "aws-efs-csi-driver",
        "aws-fsx-csi-driver",
        "aws-s3-csi-driver",
        "mountpoint-s3-csi-driver",
        "karpenter",
        "controller",  # Karpenter's image is public.ecr.aws/karpenter/controller
        "aws-node-termination-handler",
        "secrets-store-csi-driver-provider-aws",
        "cloudwatch-agent",
        "aws-for-fluent-bit",
        "aws-otel-collector",
        "velero-plugin-for-aws",
    }
)
#: Repositories where the generic last segment ``controller`` means Karpenter.
_KARPENTER_REPOSITORY = "karpenter/controller"
_AWS_CLI_CALL = re.compile(
    r"(?:^|[\s;&|(`])aws\s+(?:--\S+\s+)*"
    r"(?:s3|s3api|sts|ssm|secretsmanager|dynamodb|sqs|sns|ecr|eks|ec2|iam|kms|logs|cloudwatch|"
    r"lambda|kinesis|rds|route53|elbv2|autoscaling)\b"
)
_AWS_PROVIDER_FLAG = re.compile(r"--(?:cloud-)?provider(?:=|\s+)aws\b")


@dataclass(frozen=True, slots=True)
class AwsUsage:
    """Why a container is taken to call AWS."""

    container: ContainerView
    reason: str


def irsa_role_of(account: Mapping[str, object] | None) -> str | None:
    """The ``eks.amazonaws.com/role-arn`` annotation of a ServiceAccount manifest, if any."""
    if account is None:
        return None
    metadata = account.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    value = annotations.get(ROLE_ARN_ANNOTATION) if isinstance(annotations, Mapping) else None
    return value if isinstance(value, str) and value.strip() else None


def own_credentials(workload: WorkloadView, inventory: Inventory) -> str | None:
    """How the pods get AWS credentials other than the node role's, or ``None``."""
    account_name = service_account_of(workload)
    account = inventory.get("ServiceAccount", account_name, workload.namespace)
    role = irsa_role_of(account.manifest if account is not None else None)
    if role is not None:
        return f"ServiceAccount {account_name!r} has IRSA role {role}"
    for container in workload.containers():
        names = {variable.name for variable in env_vars(container)}
        if names >= WEB_IDENTITY_VARIABLES:
            return f"{container.label} sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE"
        if names & CONTAINER_CREDENTIAL_VARIABLES:
            return f"{container.label} uses the EKS Pod Identity credentials endpoint"
        if names & STATIC_KEY_VARIABLES:
            return f"{container.label} is given static AWS keys"
    return None


def aws_usage(workload: WorkloadView) -> AwsUsage | None:
    """The first sign that a container of the workload calls AWS, or ``None``."""
    for container in workload.containers(ephemeral=False):
        reason = _image_reason(container) or _env_reason(container) or _command_reason(container)
        if reason is not None:
            return AwsUsage(container, reason)
    return None


def _image_reason(container: ContainerView) -> str | None:
    image = container.image
    ref = parse_image(image) if image else None
    if ref is None:
        return None
    repository = ref.repository
    last = repository.rsplit("/", 1)[-1]
    if last not in AWS_CALLING_IMAGES:
        return None
    if last == "controller" and not repository.endswith(_KARPENTER_REPOSITORY):
        return None
    return f"its image {image} calls AWS APIs"


def _env_reason(container: ContainerView) -> str | None:
    for variable in env_vars(container):
        if variable.name in SDK_VARIABLES or variable.name.startswith(SDK_VARIABLE_PREFIXES):
            return f"it sets the AWS SDK variable {variable.name}"
    return None


def _command_reason(container: ContainerView) -> str | None:
    words = [
        w for f in ("command", "args") for w in as_list(container.field(f)) if isinstance(w, str)
    ]
    text = " ".join(words)
    if _AWS_CLI_CALL.search(text):
        return "its command runs the AWS CLI"
    if "s3://" in text:
        return "its command names an s3:// location"
    if _AWS_PROVIDER_FLAG.search(text):
        return "its command selects the AWS provider"
    return None
