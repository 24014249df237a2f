"""``EXPOSE`` names valid ports.

Ports run from 0 to 65535 and protocols are ``tcp``, ``udp`` or ``sctp``; anything else makes
the builder or the runtime fail, or documents a port nothing listens on.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.ports import parse_port
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-015",
    title="EXPOSE names valid ports",
    severity=Severity.LOW,
    remediation="Use port numbers from 0 to 65535, optionally with /tcp, /udp or /sctp.",
    refs={"hadolint": "DL3011", "trivy": "DS008"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("EXPOSE"):
        for word in instruction.words:
            port = parse_port(word)
            if port is not None and not port.valid:
                yield Violation(instruction, f"EXPOSE {word} is not a valid port", value=word)
