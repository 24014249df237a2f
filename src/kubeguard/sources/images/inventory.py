"""From a resolved image (configuration plus layer blobs) to its inventory.

Every origin (docker archive, OCI layout, registry) resolves the image it was given to a
:class:`ResolvedImage`; this module walks the layers in order, applies them, detects the
distro and runs the catalogers. A layer that cannot be read is a problem of the inventory, not
the end of it: the other layers are still read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

from kubeguard.model import KubeguardError, SourceError
from kubeguard.model.image import ImageInventory, LayerInfo, Package, problem
from kubeguard.sources.images.catalogers import CATALOGERS, CatalogContext, Cataloger
from kubeguard.sources.images.catalogers.os_release import detect_distro
from kubeguard.sources.images.layers import Filesystem, walk_layer
from kubeguard.sources.images.limits import Limits
from kubeguard.sources.images.manifests import image_config, image_platform

BlobOpener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True, slots=True)
class LayerBlob:
    """A layer and how to open its blob as a stream."""

    info: LayerInfo
    open: BlobOpener
    verify_digest: bool = True
    """Whether the blob's sha256 must equal ``info.digest`` (not for a legacy archive's paths)."""


@dataclass(frozen=True, slots=True)
class ResolvedImage:
    """One image an origin found: its identity, configuration and layers."""

    source: str
    digest: str | None
    config_digest: str
    config: Mapping[str, Any]
    layers: tuple[LayerBlob, ...]
    tags: tuple[str, ...] = ()


def build_inventory(
    image: ResolvedImage,
    limits: Limits,
    catalogers: Sequence[Cataloger] = CATALOGERS,
) -> ImageInventory:
    """Walk the image's layers and catalog the resulting filesystem."""
    filesystem = Filesystem()
    problems: list[SourceError] = []
    for layer in image.layers:
        try:
            with layer.open() as stream:
                changes = walk_layer(
                    stream,
                    layer.info,
                    catalogers,
                    filesystem.files.keys(),
                    limits,
                    verify_digest=layer.verify_digest,
                )
        except KubeguardError as error:
            problems.append(
                problem(f"layer not read: {error.message}", f"layer {layer.info.digest}")
            )
            continue
        except OSError as error:
            problems.append(
                problem(f"layer not read: {error.strerror or error}", f"layer {layer.info.digest}")
            )
            continue
        problems.extend(changes.problems)
        filesystem.apply(changes)
    distro = detect_distro(filesystem.selected_by("os-release"))
    context = CatalogContext(distro=distro, limits=limits)
    packages: list[Package] = []
    for cataloger in catalogers:
        selected = filesystem.selected_by(cataloger.name)
        if not selected:
            continue
        for item in cataloger.catalog(selected, context):
            if isinstance(item, Package):
                packages.append(item)
            else:
                problems.append(item)
    packages.sort(key=lambda p: (p.type.value, p.name, p.version, p.path))
    return ImageInventory(
        source=image.source,
        config_digest=image.config_digest,
        digest=image.digest,
        platform=image_platform(image.config),
        layers=tuple(layer.info for layer in image.layers),
        packages=tuple(packages),
        distro=distro,
        config=image_config(image.config),
        tags=image.tags,
        problems=tuple(problems),
    )
