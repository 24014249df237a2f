"""IRSA role annotations hold a well-formed IAM role ARN.

A ServiceAccount annotated ``eks.amazonaws.com/role-arn`` makes the EKS pod identity webhook inject
that role into its pods, and the AWS SDKs then call ``sts:AssumeRoleWithWebIdentity`` with it. The
webhook only logs a warning for a malformed value and injects it anyway, so a typo shows up as
pods that fail their first AWS call and fall back to whatever else the SDK finds, often the node
role through instance metadata. The value must be
``arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>`` with partition ``aws``,
``aws-cn`` or ``aws-us-gov`` (or an isolated one) and an IAM role name (1-64 letters, digits and
``+=,.@_-``); a role path is allowed here. Reported as well: a bare role name (a self-managed
webhook can be configured to complete it into an ARN; EKS documents the full ARN), an STS session
ARN, an instance-profile ARN, and surrounding whitespace.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.arns import ArnProblem, parse_iam_arn
from kubeguard.engines.posture.aws_identity import ROLE_ARN_ANNOTATION
from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity

ROLE = frozenset({"role"})


@control(
    id="KG-IAM-043",
    title="IRSA role annotations hold a valid IAM role ARN",
    severity=Severity.MEDIUM,
    remediation=(
        "Set eks.amazonaws.com/role-arn to the role's full ARN, "
        "arn:aws:iam::<account>:role/<name>, as shown by `aws iam get-role`."
    ),
    refs={"mitre": "T1078.004"},
    kinds={"ServiceAccount"},
)
def check(account: ObjectView, context: CheckContext) -> Iterator[Violation]:
    path = ("metadata", "annotations", ROLE_ARN_ANNOTATION)
    value = account.field(*path)
    if value is None:
        return
    if not isinstance(value, str):
        problem = "is not a string"
    elif value != value.strip():
        problem = "has whitespace around the ARN"
    elif value and ":" not in value:
        problem = "is a bare role name, not the role's ARN"
    else:
        parsed = parse_iam_arn(value, ROLE)
        if not isinstance(parsed, ArnProblem):
            return
        problem = parsed.reason
    yield Violation(
        path=path,
        message=f"ServiceAccount {account.obj.name!r}: {ROLE_ARN_ANNOTATION} {value!r} {problem}",
        value=value,
    )
