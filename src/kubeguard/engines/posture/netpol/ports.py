"""Protocols, ports and sets of ports, as NetworkPolicy rules name them.

A rule's ``ports`` entry has a ``protocol`` (TCP when omitted; UDP and SCTP too), and either no
``port`` (every port of that protocol), a number with an optional inclusive ``endPort``, or the
name of a container port, which only a destination pod can resolve. :class:`PortSet` is the
set algebra the evaluator needs: union of what rules allow, intersection of what egress and
ingress allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubeguard.engines.posture.netpol.problems import Problem
from kubeguard.model import FieldPath

MIN_PORT = 1
MAX_PORT = 65535


class Protocol(StrEnum):
    """The layer-4 protocols NetworkPolicy defines."""

    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


#: ``(protocol, first, last)``: an inclusive range of ports of one protocol.
Span = tuple[Protocol, int, int]


@dataclass(frozen=True, slots=True)
class PortSet:
    """A set of ``(protocol, port)`` pairs, kept as sorted, merged ranges."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def every(cls) -> PortSet:
        """Every port of every protocol."""
        return _EVERY

    @classmethod
    def nothing(cls) -> PortSet:
        """No port at all."""
        return _NOTHING

    @classmethod
    def of(cls, protocol: Protocol, first: int, last: int | None = None) -> PortSet:
        """The ports ``first`` to ``last`` (inclusive; just ``first`` when ``last`` is None)."""
        last = first if last is None else last
        if first > last:
            return _NOTHING
        return cls(((protocol, first, last),))

    @classmethod
    def union_of(cls, sets: Iterable[PortSet]) -> PortSet:
        """The union of ``sets``."""
        spans = [span for item in sets for span in item.spans]
        return cls(_normalise(spans))

    @property
    def is_empty(self) -> bool:
        """No port."""
        return not self.spans

    @property
    def is_every(self) -> bool:
        """Every port of every protocol."""
        return self.spans == _EVERY.spans

    def union(self, other: PortSet) -> PortSet:
        """Ports in either set."""
        if other.is_empty or self.is_every:
            return self
        if self.is_empty or other.is_every:
            return other
        return PortSet(_normalise([*self.spans, *other.spans]))

    def intersection(self, other: PortSet) -> PortSet:
        """Ports in both sets."""
        if self.is_every:
            return other
        if other.is_every:
            return self
        spans = [
            (protocol, max(first, other_first), min(last, other_last))
            for protocol, first, last in self.spans
            for other_protocol, other_first, other_last in other.spans
            if protocol == other_protocol and max(first, other_first) <= min(last, other_last)
        ]
        return PortSet(_normalise(spans))

    def contains(self, protocol: Protocol, port: int) -> bool:
        """Whether ``port`` of ``protocol`` is in the set."""
        return any(p == protocol and first <= port <= last for p, first, last in self.spans)

    def describe(self) -> str:
        """``all``, ``none`` or e.g. ``TCP/80, TCP/8000-8080, UDP/*``."""
        if self.is_every:
            return "all"
        if self.is_empty:
            return "none"
        return ", ".join(_describe_span(span) for span in self.spans)


def _describe_span(span: Span) -> str:
    protocol, first, last = span
    if (first, last) == (MIN_PORT, MAX_PORT):
        return f"{protocol}/*"
    if first == last:
        return f"{protocol}/{first}"
    return f"{protocol}/{first}-{last}"


def _normalise(spans: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for protocol, first, last in sorted(spans):
        if merged and merged[-1][0] == protocol and first <= merged[-1][2] + 1:
            previous = merged[-1]
            merged[-1] = (protocol, previous[1], max(previous[2], last))
        else:
            merged.append((protocol, first, last))
    return tuple(merged)


_EVERY = PortSet(tuple((protocol, MIN_PORT, MAX_PORT) for protocol in sorted(Protocol)))
_NOTHING = PortSet()


@dataclass(frozen=True, slots=True)
class NamedPort:
    """A container port with a name, which policies may refer to by that name."""

    name: str
    protocol: Protocol
    number: int


@dataclass(frozen=True, slots=True)
class PortSpec:
    """One ``ports`` entry of a rule."""

    protocol: Protocol
    port: int | str | None
    """A number, the name of a container port, or ``None`` for every port."""
    end_port: int | None = None

    @property
    def is_named(self) -> bool:
        """Whether the port is a name, resolved against each destination pod."""
        return isinstance(self.port, str)

    def resolve(self, named_ports: Iterable[NamedPort] | None) -> PortSet:
        """The ports this entry means at a destination with ``named_ports``.

        ``None`` stands for a destination that is not a pod (an address, a node, a host-network
        pod): a named port never matches one.
        """
        if self.port is None:
            return PortSet.of(self.protocol, MIN_PORT, MAX_PORT)
        if isinstance(self.port, int):
            return PortSet.of(self.protocol, self.port, self.end_port)
        if named_ports is None:
            return PortSet.nothing()
        return PortSet.union_of(
            PortSet.of(self.protocol, named.number)
            for named in named_ports
            if named.name == self.port and named.protocol == self.protocol
        )

    def describe(self) -> str:
        """``TCP/8080``, ``UDP/*``, ``TCP/8000-8080`` or ``TCP/http``."""
        if self.port is None:
            return f"{self.protocol}/*"
        if self.end_port is not None:
            return f"{self.protocol}/{self.port}-{self.end_port}"
        return f"{self.protocol}/{self.port}"


def parse_protocol(raw: Any) -> Protocol | None:
    """``TCP`` for a missing protocol, the protocol for a valid one, ``None`` otherwise.

    Protocol names are case-sensitive in the API: ``tcp`` is rejected, so it matches nothing here.
    """
    if raw is None:
        return Protocol.TCP
    if isinstance(raw, str) and raw in Protocol.__members__:
        return Protocol(raw)
    return None


def parse_port_spec(raw: Any, path: FieldPath) -> tuple[PortSpec | None, list[Problem]]:
    """One ``ports`` entry, or ``None`` (matching nothing) with the reasons it is malformed."""
    if not isinstance(raw, dict):
        return None, [Problem(path, "a ports entry must be a mapping; it allows nothing")]
    problems: list[Problem] = []
    protocol = parse_protocol(raw.get("protocol"))
    if protocol is None:
        problems.append(Problem(path + ("protocol",), f"unknown protocol {raw.get('protocol')!r}"))
    port, end_port = raw.get("port"), raw.get("endPort")
    if port is not None and not _is_port_value(port):
        problems.append(Problem(path + ("port",), f"port {port!r} is neither 1-65535 nor a name"))
    if end_port is not None:
        if not isinstance(port, int) or isinstance(port, bool):
            problems.append(Problem(path + ("endPort",), "endPort needs a numeric port"))
        elif not _is_number(end_port) or end_port < port:
            problems.append(
                Problem(path + ("endPort",), f"endPort {end_port!r} must be {port}-{MAX_PORT}")
            )
    if problems or protocol is None:
        return None, [
            Problem(problem.path, problem.message + "; the entry allows nothing")
            for problem in problems
        ]
    return PortSpec(protocol, port, end_port), []


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and MIN_PORT <= value <= MAX_PORT


def _is_port_value(value: Any) -> bool:
    return _is_number(value) or (isinstance(value, str) and bool(value))
