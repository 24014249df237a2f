"""IP addresses and ``ipBlock`` ranges (a CIDR minus its ``except`` ranges)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.netpol.problems import Problem
from kubeguard.model import FieldPath

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The EC2 instance metadata service (IMDS), over IPv4 and IPv6 (Nitro instances).
METADATA_ADDRESSES: tuple[IPAddress, ...] = (
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
)
#: IMDS listens on plain HTTP.
METADATA_PORT = 80


def parse_address(raw: Any) -> IPAddress | None:
    """An IP address, or ``None`` if ``raw`` is not one.

    Parsed by the C library first: a snapshot carries one address per pod, and
    :func:`ipaddress.ip_address` alone takes most of the index's build time on 50 000 of them.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    for family, kind in _FAMILIES:
        try:
            return kind(socket.inet_pton(family, text))
        except (OSError, ValueError):
            continue
    return None


_FAMILIES: tuple[tuple[int, type[IPAddress]], ...] = (
    (socket.AF_INET, ipaddress.IPv4Address),
    (socket.AF_INET6, ipaddress.IPv6Address),
)


@dataclass(frozen=True, slots=True)
class IpBlock:
    """``cidr`` minus every ``except`` range."""

    cidr: IPNetwork
    excepts: tuple[IPNetwork, ...] = ()

    def contains(self, address: IPAddress) -> bool:
        """Whether ``address`` is in the block (in ``cidr`` and in no ``except``)."""
        if address.version != self.cidr.version or address not in self.cidr:
            return False
        return not any(address in excepted for excepted in self.excepts)

    @property
    def is_everything(self) -> bool:
        """The whole address space of its family (``0.0.0.0/0`` or ``::/0``)."""
        return self.cidr.prefixlen == 0

    def describe(self) -> str:
        """``10.0.0.0/8`` or ``0.0.0.0/0 except 169.254.169.254/32``."""
        if not self.excepts:
            return str(self.cidr)
        return f"{self.cidr} except {', '.join(str(e) for e in self.excepts)}"


def parse_ip_block(raw: Any, path: FieldPath) -> tuple[IpBlock | None, list[Problem]]:
    """An ``ipBlock``; ``None`` (matching nothing) when its ``cidr`` is unusable.

    A CIDR with host bits set (``10.1.2.3/8``) is read as its network, as implementations do,
    and reported. An ``except`` outside the ``cidr`` is rejected by the API server; it is reported
    and kept (it can only narrow the block).
    """
    if not isinstance(raw, dict):
        return None, [Problem(path, "ipBlock must be a mapping; the peer matches nothing")]
    problems: list[Problem] = []
    cidr = _network(raw.get("cidr"), path + ("cidr",), problems)
    if cidr is None:
        if not problems:
            problems.append(Problem(path + ("cidr",), "ipBlock has no cidr; it matches nothing"))
        return None, problems
    excepts: list[IPNetwork] = []
    raw_excepts = raw.get("except")
    for index, item in enumerate(raw_excepts if isinstance(raw_excepts, list) else []):
        excepted = _network(item, path + ("except", index), problems)
        if excepted is None:
            continue
        if excepted.version != cidr.version or not excepted.subnet_of(cidr):  # type: ignore[arg-type]
            problems.append(
                Problem(path + ("except", index), f"except {excepted} is not inside {cidr}")
            )
        excepts.append(excepted)
    return IpBlock(cidr, tuple(excepts)), problems


def _network(raw: Any, path: FieldPath, problems: list[Problem]) -> IPNetwork | None:
    if not isinstance(raw, str):
        if raw is not None:
            problems.append(Problem(path, f"{raw!r} is not a CIDR; it matches nothing"))
        return None
    text = raw.strip()
    try:
        if "/" not in text:
            raise ValueError(text)
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        problems.append(Problem(path, f"{raw!r} is not a CIDR; it matches nothing"))
        return None
    if ipaddress.ip_interface(text).ip != network.network_address:
        problems.append(Problem(path, f"{text} has host bits set; read as {network}"))
    return network
