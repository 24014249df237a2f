"""An in-memory advisory feed and small builders for advisories and inventories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from kubeguard.model.advisory import (
    Advisory,
    AdvisoryMatch,
    AffectedPackage,
    AffectedRange,
    EventKind,
    RangeEvent,
    RangeType,
)
from kubeguard.model.image import Distro, ImageInventory, Package, PackageType, Platform


class FakeFeed:
    """An :class:`~kubeguard.model.advisory.AdvisoryFeed` over a list of advisories."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        self.index: dict[tuple[str, str, str], list[AdvisoryMatch]] = defaultdict(list)
        self.queries: list[tuple[str, str, tuple[str, ...]]] = []
        for advisory in advisories:
            for entry in advisory.affected:
                self.index[(entry.ecosystem, entry.release, entry.name)].append(
                    AdvisoryMatch(advisory, entry)
                )

    def advisories_for(
        self, ecosystem: str, release: str, names: Collection[str]
    ) -> Mapping[str, Sequence[AdvisoryMatch]]:
        self.queries.append((ecosystem, release, tuple(sorted(names))))
        return {
            name: self.index[(ecosystem, release, name)]
            for name in names
            if (ecosystem, release, name) in self.index
        }


def events(*pairs: tuple[str, str]) -> tuple[RangeEvent, ...]:
    return tuple(RangeEvent(EventKind(kind), version) for kind, version in pairs)


def ecosystem_range(
    *pairs: tuple[str, str], kind: RangeType = RangeType.ECOSYSTEM
) -> AffectedRange:
    return AffectedRange(kind, events(*pairs))


def entry(
    ecosystem: str,
    name: str,
    *ranges: AffectedRange,
    release: str = "",
    versions: Sequence[str] = (),
    **more: object,
) -> AffectedPackage:
    return AffectedPackage(
        ecosystem,
        release,
        name,
        ranges=ranges,
        versions=tuple(versions),
        **more,  # type: ignore[arg-type]
    )


def package(
    name: str,
    version: str,
    kind: PackageType = PackageType.PYPI,
    *,
    source_name: str | None = None,
    source_version: str | None = None,
    path: str = "/usr/lib/python3/dist-packages/x.dist-info/METADATA",
) -> Package:
    return Package(
        name=name,
        version=version,
        type=kind,
        purl=f"pkg:{kind.value}/{name}@{version}",
        layer="sha256:" + "a" * 64,
        path=path,
        source_name=source_name,
        source_version=source_version,
    )


def inventory(
    packages: Sequence[Package], distro: Distro | None = None, tags: Sequence[str] = ()
) -> ImageInventory:
    return ImageInventory(
        source="test.tar",
        config_digest="sha256:" + "c" * 64,
        digest="sha256:" + "d" * 64,
        platform=Platform("linux", "amd64"),
        layers=(),
        packages=tuple(packages),
        distro=distro,
        tags=tuple(tags),
    )
