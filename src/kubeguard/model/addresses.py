"""Sets of IP addresses and networks that answer "is this address on the list?" in constant time.

Threat lists hold up to millions of entries, single addresses and CIDR networks mixed, IPv4 and
IPv6 together. :class:`AddressSet` files every entry under its prefix length, as the integer of
its network part (``address >> host_bits``) in a hash set. Looking an address up shifts its
integer once per prefix length the list actually uses and probes that set: at most 33 probes for
IPv4 and 129 for IPv6 whatever the size of the list, and in practice a handful (feeds use a few
lengths, mostly /32). Answers for recently seen address strings are remembered, because audit
logs repeat the same few callers.

IPv4-mapped IPv6 addresses (``::ffff:198.51.100.7``) are looked up as the IPv4 address they
carry, and an IPv6 zone (``fe80::1%eth0``) is ignored.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

#: Distinct address strings whose answers are remembered before the memory is cleared.
MAX_REMEMBERED = 65_536

_V4_MAPPED = 0xFFFF << 32
_V4_MAPPED_MASK = ((1 << 96) - 1) << 32
_BITS = {4: 32, 6: 128}


class NetworkSyntaxError(ValueError):
    """Text that is not an IP address or network."""


@dataclass(frozen=True, slots=True)
class Network:
    """One IP network: its version, its prefix length and its network part as an integer."""

    version: int
    """4 or 6."""
    prefix: int
    """Prefix length: 0 to 32 (IPv4) or 0 to 128 (IPv6)."""
    value: int
    """The address shifted right by the host bits (``address >> (bits - prefix)``)."""

    @property
    def text(self) -> str:
        """The network in CIDR notation, ``198.51.100.0/24`` (a single address has no suffix)."""
        bits = _BITS[self.version]
        address = self.value << (bits - self.prefix)
        family = socket.AF_INET if self.version == 4 else socket.AF_INET6
        shown = socket.inet_ntop(family, address.to_bytes(bits // 8, "big"))
        return shown if self.prefix == bits else f"{shown}/{self.prefix}"


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """The entry an address was found under, and the label the list gave it."""

    network: Network
    label: str | None


def parse_address(text: str) -> tuple[int, int] | None:
    """``(version, integer)`` of an IP address, or ``None`` when ``text`` is not one."""
    try:
        return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
    except OSError:
        pass
    except (TypeError, ValueError):
        return None
    try:
        value = int.from_bytes(socket.inet_pton(socket.AF_INET6, text.partition("%")[0]), "big")
    except (OSError, ValueError):
        return None
    if value & _V4_MAPPED_MASK == _V4_MAPPED:
        return 4, value & 0xFFFFFFFF
    return 6, value


def parse_network(text: str) -> Network:
    """The network written as ``address`` or ``address/prefix``.

    Host bits set below the prefix (``10.0.0.1/24``) are cleared, as most feeds write such
    entries meaning the network. Raises :class:`NetworkSyntaxError` with the reason otherwise.
    """
    address_text, slash, prefix_text = text.strip().partition("/")
    parsed = parse_address(address_text)
    if parsed is None:
        raise NetworkSyntaxError(f"{address_text!r} is not an IP address")
    version, value = parsed
    mapped = version == 4 and ":" in address_text
    bits = _BITS[version]
    if not slash:
        return Network(version, bits, value)
    if not prefix_text.isascii() or not prefix_text.isdigit():
        raise NetworkSyntaxError(f"prefix length {prefix_text!r} is not a number")
    prefix = int(prefix_text)
    if mapped:
        # ::ffff:a.b.c.d/120 is the IPv4 network a.b.c.d/24.
        if not 96 <= prefix <= 128:
            raise NetworkSyntaxError(f"prefix length /{prefix} of an IPv4-mapped address")
        prefix -= 96
    if prefix > bits:
        raise NetworkSyntaxError(f"prefix length /{prefix} is longer than {bits} bits")
    return Network(version, prefix, value >> (bits - prefix))


class AddressSet:
    """A list of addresses and networks; ``address in found`` is a constant-time lookup.

    Built once (:meth:`add`) and then only read. Satisfies the detection engine's
    ``AddressList`` protocol.
    """

    __slots__ = ("_labels", "_remembered", "_tables", "entries")

    def __init__(self) -> None:
        # Per version: (prefix, shift, set of network parts), longest prefix first.
        self._tables: dict[int, list[tuple[int, int, set[int]]]] = {4: [], 6: []}
        self._labels: dict[Network, str] = {}
        self._remembered: dict[str, bool] = {}
        self.entries = 0
        """Distinct networks on the list."""

    def __len__(self) -> int:
        return self.entries

    def __repr__(self) -> str:
        return f"AddressSet({self.entries} entries)"

    def add(self, network: Network, label: str | None = None) -> None:
        """Put ``network`` on the list (again: no change, but a label given now is kept)."""
        table = self._table(network.version, network.prefix)
        if network.value not in table:
            table.add(network.value)
            self.entries += 1
            self._remembered.clear()
        if label:
            self._labels.setdefault(network, label)

    def _table(self, version: int, prefix: int) -> set[int]:
        tables = self._tables[version]
        for known, _, table in tables:
            if known == prefix:
                return table
        table = set()
        tables.append((prefix, _BITS[version] - prefix, table))
        tables.sort(key=lambda item: -item[0])
        return table

    def __contains__(self, address: object) -> bool:
        if type(address) is not str:
            return False
        known = self._remembered.get(address)
        if known is None:
            known = self._holds(address)
            if len(self._remembered) >= MAX_REMEMBERED:
                self._remembered.clear()
            self._remembered[address] = known
        return known

    def _holds(self, address: str) -> bool:
        parsed = parse_address(address)
        if parsed is None:
            return False
        version, value = parsed
        return any(value >> shift in table for _, shift, table in self._tables[version])

    def match(self, address: str) -> AddressMatch | None:
        """The most specific entry holding ``address`` (with its label), or ``None``."""
        parsed = parse_address(address) if isinstance(address, str) else None
        if parsed is None:
            return None
        version, value = parsed
        for prefix, shift, table in self._tables[version]:
            if value >> shift in table:
                network = Network(version, prefix, value >> shift)
                return AddressMatch(network, self._labels.get(network))
        return None

    @property
    def prefix_lengths(self) -> dict[int, tuple[int, ...]]:
        """The prefix lengths in use, by IP version (what one lookup may probe)."""
        return {
            version: tuple(item[0] for item in tables) for version, tables in self._tables.items()
        }
