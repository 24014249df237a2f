"""NetworkPolicies are well-formed.

The API server rejects a NetworkPolicy with an unknown protocol, an ``endPort`` without a
numeric ``port`` or below it, a peer that is empty or mixes ``ipBlock`` with selectors, a
malformed selector or CIDR, or an ``except`` outside its ``cidr``: such a manifest never
protects anything, and a pipeline that ignores the failed apply leaves the workload open.
kubeguard reads each malformed part as allowing nothing (failing closed), and reports it here. A
CIDR with host bits set (``10.1.2.3/16``) is accepted and means its network; it is reported
because the author probably meant something else.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import network_of
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity, get_path


@control(
    id="KG-NET-019",
    title="NetworkPolicies are well-formed",
    severity=Severity.MEDIUM,
    remediation="Fix the field as the message says; `kubectl apply --dry-run=server` confirms.",
    kinds={"NetworkPolicy"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    policy = network_of(context.inventory).policy_of[subject.obj]
    for problem in policy.problems:
        yield Violation(
            path=problem.path,
            message=problem.message,
            value=get_path(subject.obj.manifest, problem.path),
        )
