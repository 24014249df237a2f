"""ipBlocks do not cover the addresses of pods.

``ipBlock`` is meant for addresses outside the cluster. Implementations (and the upstream
conformance tests) still match it against pod addresses, so a block that covers pod IPs allows
or excepts pods by address. Pod addresses change every time a pod restarts; the rule then
silently applies to whichever pod gets the address next. Select pods by label instead.

Judged only against pods that carry their addresses (``status.podIPs``), as live clusters and
snapshots do; host-network pods have the node's address and are not counted.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.netpol import Direction, network_of
from kubeguard.engines.posture.netpol.text import listing
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Severity


@control(
    id="KG-NET-018",
    title="ipBlocks do not match pod addresses",
    severity=Severity.LOW,
    remediation=(
        "Select the pods with podSelector/namespaceSelector, and keep ipBlocks for ranges "
        "outside the cluster (or except the pod CIDR from them)."
    ),
    kinds={"NetworkPolicy"},
)
def check(subject: ObjectView, context: CheckContext) -> Iterator[Violation]:
    network = network_of(context.inventory)
    policy = network.policy_of[subject.obj]
    for direction in Direction:
        for rule in policy.rules(direction):
            for index, peer in enumerate(rule.peers):
                block = peer.ip_block
                if block is None:
                    continue
                pods = sorted(
                    e.ref for e in network.endpoints_in_block(block) if not e.host_network
                )
                if pods:
                    yield Violation(
                        path=rule.path + (direction.peers_field, index, "ipBlock"),
                        message=(
                            f"ipBlock {block.describe()} covers the addresses of pods "
                            f"{listing(pods)}"
                        ),
                        value=str(block.cidr),
                    )
