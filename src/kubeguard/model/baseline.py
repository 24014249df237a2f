"""Behaviour baselines: who did what in a cluster, how often and since when.

The anomaly detector (``kubeguard.engines.detect.anomaly``) learns these from audit events and
reads them to tell first-seen behaviour from the usual; ``kubeguard.sources.baselines`` keeps
them in a file between runs. They are plain mutable records, because learning updates them for
every event; nothing else changes them.

Times are whole seconds since the Unix epoch (UTC), which is what the file stores too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

#: Keys one profile keeps per kind (actions, namespaces of an action, user agents, networks).
#: Beyond it nothing new is learned for that kind, and nothing in it is reported as new,
#: so a principal doing thousands of distinct things cannot grow the file without bound.
MAX_KEYS = 512
#: Principals one cluster baseline keeps (users and service accounts).
MAX_PRINCIPALS = 100_000


def epoch(moment: datetime.datetime) -> int:
    """Whole seconds since the epoch."""
    return int(moment.timestamp())


def moment(seconds: int) -> datetime.datetime:
    """The UTC time of ``seconds`` since the epoch."""
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


@dataclass(slots=True)
class Seen:
    """How often something was seen, first and last."""

    count: int
    first: int
    last: int

    def record(self, when: int) -> None:
        """One more sighting at ``when``."""
        self.count += 1
        if when < self.first:
            self.first = when
        if when > self.last:
            self.last = when


def sighting(table: dict[str, Seen], key: str, when: int) -> bool:
    """Record ``key`` at ``when`` in ``table``; ``False`` when the table is full and lacks it."""
    seen = table.get(key)
    if seen is not None:
        seen.record(when)
        return True
    if len(table) >= MAX_KEYS:
        return False
    table[key] = Seen(1, when, when)
    return True


@dataclass(slots=True)
class ActionProfile:
    """One action of one principal (``create pods/exec``) and the namespaces it was done in."""

    seen: Seen
    namespaces: dict[str, Seen] = field(default_factory=dict)


@dataclass(slots=True)
class Profile:
    """What one principal was seen doing."""

    seen: Seen
    """Every request learned from it."""
    actions: dict[str, ActionProfile] = field(default_factory=dict)
    """By action: verb and resource (``get secrets``, ``create pods/exec``) or URL path."""
    user_agents: dict[str, Seen] = field(default_factory=dict)
    """By client product (``kubectl``, ``python-requests``), versions left out."""
    networks: dict[str, Seen] = field(default_factory=dict)
    """By the caller's network: the /24 of an IPv4 address, the /64 of an IPv6 one."""


@dataclass(slots=True)
class ClusterBaseline:
    """The profiles of one cluster and the learning window they were built in."""

    cluster: str
    learn_seconds: int
    """How long after :attr:`started` the baseline only learns."""
    started: int | None = None
    """The first event learned (``None``: nothing learned yet)."""
    updated: int | None = None
    """The last event learned."""
    events: int = 0
    """Events learned."""
    principals: dict[str, Profile] = field(default_factory=dict)
    images: dict[str, Seen] = field(default_factory=dict)
    """Image repositories launched by workloads, tags left out."""
    privileged_images: dict[str, Seen] = field(default_factory=dict)
    """Image repositories launched in privileged containers."""

    def learning(self, when: int) -> bool:
        """Whether ``when`` is still inside the learning window."""
        return self.started is None or when < self.started + self.learn_seconds


@dataclass(slots=True)
class Baselines:
    """Every cluster's baseline, by cluster name (what one file holds)."""

    clusters: dict[str, ClusterBaseline] = field(default_factory=dict)

    def cluster(self, name: str, learn_seconds: int) -> ClusterBaseline:
        """The baseline of ``name``, new (learning for ``learn_seconds``) if there is none."""
        found = self.clusters.get(name)
        if found is None:
            found = self.clusters[name] = ClusterBaseline(name, learn_seconds)
        return found
