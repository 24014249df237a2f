"""Container images from docker archives, OCI layouts and registries, as package inventories.

:func:`read_image` takes what a user typed (a path, ``path:tag``, or a registry reference),
finds the image, streams its layers through the catalogers and returns an
:class:`~kubeguard.model.image.ImageInventory`. It raises :class:`~kubeguard.model.SourceError`
only when there is no image to speak of (no such file, registry 404 …); what goes wrong inside
the image (a corrupt layer, a database it cannot parse) is listed in the inventory's
``problems`` and the rest is still read.
"""

from __future__ import annotations

from pathlib import Path

from kubeguard.model import SourceError
from kubeguard.model.image import ImageInventory, Platform, parse_image, problem
from kubeguard.sources.images.archive import MANIFEST, resolve_archive
from kubeguard.sources.images.auth import CredentialProvider, Credentials
from kubeguard.sources.images.containers import Container, FolderContainer, TarContainer
from kubeguard.sources.images.inventory import ResolvedImage, build_inventory
from kubeguard.sources.images.layout import INDEX, resolve_layout
from kubeguard.sources.images.limits import Limits
from kubeguard.sources.images.registry import RegistryClient, RegistryOptions

_PATH_HINTS = ("/", "./", "../", "~")
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".oci")


def read_image(
    image: str,
    *,
    platform: Platform | None = None,
    limits: Limits | None = None,
    registry: RegistryOptions | None = None,
) -> ImageInventory:
    """The inventory of ``image`` (see the module documentation for what it may name)."""
    limits = limits or Limits()
    path, tag = _local(image)
    if path is not None:
        return _read_local(path, image, tag, platform, limits)
    if image.startswith(_PATH_HINTS) or image.endswith(_ARCHIVE_SUFFIXES):
        raise problem("no such file or folder", image)
    ref = parse_image(image)
    if ref is None:
        raise problem("neither a file, a folder nor a valid image reference", image)
    with RegistryClient(ref, registry or RegistryOptions(), limits) as client:
        return build_inventory(client.resolve(image, platform), limits)


def _local(image: str) -> tuple[Path | None, str | None]:
    """The local path ``image`` names, and the tag after ``PATH:``."""
    if Path(image).exists():
        return Path(image), None
    base, colon, tag = image.rpartition(":")
    if colon and base and "/" not in tag and Path(base).exists():
        return Path(base), tag
    return None, None


def _read_local(
    path: Path, source: str, tag: str | None, platform: Platform | None, limits: Limits
) -> ImageInventory:
    container: Container
    if path.is_dir():
        container = FolderContainer(path)
        return build_inventory(_resolve_local(container, source, tag, platform, limits), limits)
    tar = TarContainer(path)
    try:
        return build_inventory(_resolve_local(tar, source, tag, platform, limits), limits)
    finally:
        tar.close()


def _resolve_local(
    container: Container, source: str, tag: str | None, platform: Platform | None, limits: Limits
) -> ResolvedImage:
    if container.has(INDEX):
        return resolve_layout(container, source, tag, platform, limits)
    if container.has(MANIFEST):
        return resolve_archive(container, source, tag, limits)
    raise problem(
        "neither an OCI image layout (index.json) nor a docker archive (manifest.json)",
        container.where,
    )


__all__ = [
    "CredentialProvider",
    "Credentials",
    "Limits",
    "RegistryOptions",
    "SourceError",
    "read_image",
]
