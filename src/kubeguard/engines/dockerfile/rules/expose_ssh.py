"""The image does not expose SSH (port 22).

A container that needs an SSH server is run like a virtual machine: it carries long-lived
credentials, an extra network service and a second way in that bypasses Kubernetes' own
access control and audit log. ``kubectl exec`` (or SSM for nodes) replaces it.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.ports import parse_port
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_SSH = 22


@rule(
    id="KG-DF-014",
    title="The image does not expose SSH",
    severity=Severity.MEDIUM,
    remediation="Remove the SSH server and EXPOSE 22; use kubectl exec for debugging.",
    refs={"trivy": "DS004"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("EXPOSE"):
        for word in instruction.words:
            port = parse_port(word)
            if port and port.valid and port.protocol == "tcp" and port.low <= _SSH <= port.high:
                yield Violation(instruction, f"EXPOSE {word} exposes SSH", value=word)
