"""``EXPOSE`` words: ``80``, ``80/tcp``, ``8000-8010/udp``."""

from __future__ import annotations

from dataclasses import dataclass

#: Highest port number.
MAX_PORT = 65535
PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


@dataclass(frozen=True, slots=True)
class PortRange:
    """One exposed port or range; ``valid`` is false when the word is not a usable port."""

    word: str
    low: int
    high: int
    protocol: str
    valid: bool


def parse_port(word: str) -> PortRange | None:
    """The port range ``word`` exposes; ``None`` when it uses a variable of unknown value."""
    if "$" in word:
        return None
    spec, _, protocol = word.partition("/")
    protocol = protocol.lower() or "tcp"
    first, dash, last = spec.partition("-")
    if not first.isdigit() or (dash and not last.isdigit()):
        return PortRange(word, -1, -1, protocol, valid=False)
    low, high = int(first), int(last) if dash else int(first)
    valid = 0 <= low <= high <= MAX_PORT and protocol in PROTOCOLS
    return PortRange(word, low, high, protocol, valid)
