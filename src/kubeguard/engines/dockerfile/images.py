"""Image references as written in ``FROM``: registry, repository, tag and digest."""

from __future__ import annotations

from dataclasses import dataclass

#: Docker Hub, where a reference without a registry points.
DOCKER_HUB = "docker.io"


@dataclass(frozen=True, slots=True)
class ImageReference:
    """A parsed ``[registry/]repository[:tag][@digest]``."""

    registry: str
    """The registry host (``docker.io`` when none is written)."""
    repository: str
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> bool:
        """Whether the reference names a tag or a digest."""
        return self.tag is not None or self.digest is not None


def parse_reference(reference: str) -> ImageReference:
    """Split ``reference``; a first component with ``.`` or ``:`` (or ``localhost``) is a host."""
    name, _, digest = reference.partition("@")
    first, slash, remainder = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), remainder
    else:
        registry, path = DOCKER_HUB, name
    repository, colon, tag = path.rpartition(":") if ":" in path else (path, "", "")
    return ImageReference(
        registry=registry,
        repository=repository,
        tag=tag if colon else None,
        digest=digest or None,
    )
