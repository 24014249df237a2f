"""Container images as kubeguard sees them: where they come from and what is installed in them.

Where they come from is an image reference, parsed in :mod:`kubeguard.model.image_reference` and
re-exported here.

An :class:`ImageInventory` is what every image source produces and what SBOM writers and
vulnerability matching read. It is keyed by digest, so an inventory stored once can be matched
again after the advisory database changes without pulling the image again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kubeguard.model.errors import SourceError
from kubeguard.model.image_reference import DOCKER_HUB as DOCKER_HUB
from kubeguard.model.image_reference import LATEST as LATEST
from kubeguard.model.image_reference import ImageRef as ImageRef
from kubeguard.model.image_reference import normalise_registry as normalise_registry
from kubeguard.model.image_reference import parse_image as parse_image
from kubeguard.model.resource import SourceLocation


@dataclass(frozen=True, slots=True)
class Platform:
    """An image platform: ``os/architecture[/variant]``."""

    os: str
    architecture: str
    variant: str | None = None

    def __str__(self) -> str:
        text = f"{self.os}/{self.architecture}"
        return f"{text}/{self.variant}" if self.variant else text

    @classmethod
    def parse(cls, text: str) -> Platform | None:
        """``linux/arm64/v8`` and the like; ``None`` when ``text`` has not two or three parts."""
        parts = text.strip().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            return None
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


class PackageType(StrEnum):
    """Where a package was found; the values are the package-URL types."""

    DEB = "deb"
    APK = "apk"
    RPM = "rpm"
    PYPI = "pypi"
    NPM = "npm"
    GOLANG = "golang"
    MAVEN = "maven"

    @property
    def is_os(self) -> bool:
        """Whether the distribution's package manager installed it."""
        return self in (PackageType.DEB, PackageType.APK, PackageType.RPM)


@dataclass(frozen=True, slots=True)
class Distro:
    """The operating system of an image, from ``/etc/os-release``."""

    id: str
    """``ID``: ``debian``, ``alpine``, ``amzn``, ``rhel`` …"""
    version_id: str | None = None
    """``VERSION_ID``: ``12``, ``3.19.1``, ``2023`` …"""
    pretty_name: str | None = None
    """``PRETTY_NAME``, for people."""
    id_like: tuple[str, ...] = ()
    """``ID_LIKE``: the distributions this one derives from."""
    version_codename: str | None = None
    """``VERSION_CODENAME``: ``bookworm`` …"""

    def __str__(self) -> str:
        return f"{self.id} {self.version_id}" if self.version_id else self.id


@dataclass(frozen=True, slots=True)
class Package:
    """One installed package, and the file that says it is installed."""

    name: str
    """Name as its ecosystem spells it (``groupId:artifactId`` for Maven, module path for Go)."""
    version: str
    """Full version in the ecosystem's syntax (``epoch:version-release`` for rpm)."""
    type: PackageType
    """The package manager or ecosystem."""
    purl: str
    """Package URL, the identifier SBOMs and advisories share."""
    layer: str
    """Digest of the layer that holds the file (the layer's blob digest)."""
    path: str
    """Path of that file in the image, absolute (``/var/lib/dpkg/status``)."""
    source_name: str | None = None
    """Source package for OS packages (dpkg ``Source``, apk origin, rpm source rpm name)."""
    source_version: str | None = None
    """Source package version, when it differs from :attr:`version`."""
    architecture: str | None = None
    """Architecture the package was built for, when recorded."""
    licenses: tuple[str, ...] = ()
    """Declared licenses, as written (SPDX ids or free text)."""

    @property
    def match_name(self) -> str:
        """The name advisories use: the source package for OS packages, else the name."""
        return (self.source_name or self.name) if self.type.is_os else self.name


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """One layer of an image, lowest first in :attr:`ImageInventory.layers`."""

    digest: str
    """Digest of the layer blob as stored (compressed)."""
    diff_id: str | None
    """Digest of the uncompressed tar, from the image config, when known."""
    media_type: str
    """Media type of the blob."""
    size: int | None = None
    """Size of the blob in bytes, when the manifest says."""


@dataclass(frozen=True, slots=True)
class ImageConfig:
    """What the image runs, from its configuration blob."""

    user: str | None = None
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    working_dir: str | None = None
    exposed_ports: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    created: str | None = None


@dataclass(frozen=True, slots=True)
class ImageInventory:
    """Everything kubeguard learned about one image."""

    source: str
    """The image as the user named it (path or registry reference)."""
    config_digest: str
    """Digest of the configuration blob: the image ID, the same wherever the image is stored."""
    digest: str | None
    """Manifest digest (the ``@sha256:…`` of a registry reference); ``None`` for a legacy archive."""
    platform: Platform
    """``os/architecture[/variant]`` from the configuration."""
    layers: tuple[LayerInfo, ...]
    """Layers, lowest first."""
    packages: tuple[Package, ...]
    """Installed packages, sorted by type, name and version."""
    distro: Distro | None = None
    """The operating system, ``None`` when the image has no os-release file (scratch, distroless static)."""
    config: ImageConfig = field(default_factory=ImageConfig)
    """What the image runs."""
    tags: tuple[str, ...] = ()
    """Tags the source knows the image by (``RepoTags`` of an archive, ``ref.name`` of a layout)."""
    problems: tuple[SourceError, ...] = ()
    """What could not be read (a corrupt file, an entry over a size limit …): the rest was."""

    @property
    def key(self) -> str:
        """The identity inventories are stored under: the manifest digest, else the image ID."""
        return self.digest or self.config_digest


def problem(message: str, where: str) -> SourceError:
    """A :class:`SourceError` located at ``where`` (an image, a layer, or a path in a layer)."""
    return SourceError(message, location=SourceLocation(where))


def inventory_as_dict(inventory: ImageInventory) -> dict[str, Any]:
    """The inventory as JSON-ready data (the ``--format json`` shape and the stored shape)."""
    return {
        "source": inventory.source,
        "digest": inventory.digest,
        "configDigest": inventory.config_digest,
        "platform": str(inventory.platform),
        "distro": None
        if inventory.distro is None
        else {
            "id": inventory.distro.id,
            "versionId": inventory.distro.version_id,
            "prettyName": inventory.distro.pretty_name,
            "idLike": list(inventory.distro.id_like),
            "versionCodename": inventory.distro.version_codename,
        },
        "tags": list(inventory.tags),
        "config": {
            "user": inventory.config.user,
            "entrypoint": list(inventory.config.entrypoint),
            "cmd": list(inventory.config.cmd),
            "env": list(inventory.config.env),
            "workingDir": inventory.config.working_dir,
            "exposedPorts": list(inventory.config.exposed_ports),
            "labels": dict(inventory.config.labels),
            "created": inventory.config.created,
        },
        "layers": [
            {
                "digest": layer.digest,
                "diffId": layer.diff_id,
                "mediaType": layer.media_type,
                "size": layer.size,
            }
            for layer in inventory.layers
        ],
        "packages": [
            {
                "name": package.name,
                "version": package.version,
                "type": package.type.value,
                "purl": package.purl,
                "sourceName": package.source_name,
                "sourceVersion": package.source_version,
                "architecture": package.architecture,
                "licenses": list(package.licenses),
                "layer": package.layer,
                "path": package.path,
            }
            for package in inventory.packages
        ],
        "problems": [str(error) for error in inventory.problems],
    }


def inventory_from_dict(data: Mapping[str, Any]) -> ImageInventory:
    """The inventory :func:`inventory_as_dict` wrote (raises ``KeyError``/``ValueError`` if not)."""
    distro = data.get("distro")
    config = data.get("config") or {}
    platform = Platform.parse(str(data["platform"])) or Platform("unknown", "unknown")
    return ImageInventory(
        source=str(data["source"]),
        config_digest=str(data["configDigest"]),
        digest=data.get("digest"),
        platform=platform,
        distro=None
        if not distro
        else Distro(
            id=str(distro["id"]),
            version_id=distro.get("versionId"),
            pretty_name=distro.get("prettyName"),
            id_like=tuple(distro.get("idLike") or ()),
            version_codename=distro.get("versionCodename"),
        ),
        tags=tuple(data.get("tags") or ()),
        config=ImageConfig(
            user=config.get("user"),
            entrypoint=tuple(config.get("entrypoint") or ()),
            cmd=tuple(config.get("cmd") or ()),
            env=tuple(config.get("env") or ()),
            working_dir=config.get("workingDir"),
            exposed_ports=tuple(config.get("exposedPorts") or ()),
            labels=dict(config.get("labels") or {}),
            created=config.get("created"),
        ),
        layers=tuple(
            LayerInfo(
                digest=str(layer["digest"]),
                diff_id=layer.get("diffId"),
                media_type=str(layer["mediaType"]),
                size=layer.get("size"),
            )
            for layer in data.get("layers") or ()
        ),
        packages=tuple(
            Package(
                name=str(package["name"]),
                version=str(package["version"]),
                type=PackageType(package["type"]),
                purl=str(package["purl"]),
                layer=str(package["layer"]),
                path=str(package["path"]),
                source_name=package.get("sourceName"),
                source_version=package.get("sourceVersion"),
                architecture=package.get("architecture"),
                licenses=tuple(package.get("licenses") or ()),
            )
            for package in data.get("packages") or ()
        ),
        problems=tuple(SourceError(str(text)) for text in data.get("problems") or ()),
    )
