"""Image references, parsed the way the container runtime reads them.

An image reference is ``[registry/]repository[:tag][@digest]``. The first ``/``-separated part
names a registry only if it looks like a host (contains ``.`` or ``:``, is ``localhost``, or has
upper-case letters); otherwise the image lives on Docker Hub, and a one-part name such as
``nginx`` means ``docker.io/library/nginx``. So ``localhost:5000/app`` has a registry with a port
and no tag, and ``nginx@sha256:…`` has a digest and no tag. A reference without tag and digest
is pulled as ``:latest``.

A module of its own, not part of :mod:`kubeguard.model.image`: posture controls read references
on every scan, while image contents (packages, layers, distributions) concern only the image
commands and need not be loaded for a scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCKER_HUB = "docker.io"
#: Other names of Docker Hub that normalise to :data:`DOCKER_HUB`.
_DOCKER_HUB_ALIASES = frozenset({"index.docker.io", "registry-1.docker.io"})
#: Namespace of Docker Hub's official images, implied by one-part names.
_OFFICIAL_NAMESPACE = "library"
LATEST = "latest"

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
)
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"\w[\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed, normalised image reference."""

    registry: str
    """Registry host (with port), lower-cased; ``docker.io`` when the reference names none."""
    repository: str
    """Repository path within the registry, e.g. ``library/nginx``."""
    tag: str | None = None
    """The tag as written, ``None`` when the reference has none."""
    digest: str | None = None
    """The digest (``sha256:…``) as written, ``None`` when the reference has none."""

    @property
    def name(self) -> str:
        """``registry/repository``, without tag and digest."""
        return f"{self.registry}/{self.repository}"

    @property
    def pulled_tag(self) -> str | None:
        """The tag the runtime resolves: the written one, ``latest`` if neither tag nor digest."""
        if self.tag is None and self.digest is None:
            return LATEST
        return self.tag

    @property
    def reference(self) -> str:
        """What a registry is asked for: the digest if written, else the pulled tag."""
        return self.digest or self.pulled_tag or LATEST

    def __str__(self) -> str:
        text = self.name
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def parse_image(text: str) -> ImageRef | None:
    """The reference ``text`` names, or ``None`` if it is not a valid image reference."""
    remainder, at, digest = text.partition("@")
    if at and _DIGEST.fullmatch(digest) is None:
        return None
    slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    tag: str | None = None
    if colon > slash:
        remainder, tag = remainder[:colon], remainder[colon + 1 :]
        if _TAG.fullmatch(tag) is None:
            return None
    registry, repository = _split_registry(remainder)
    if _DOMAIN.fullmatch(registry) is None:
        return None
    if not all(_PATH_COMPONENT.fullmatch(part) for part in repository.split("/")):
        return None
    return ImageRef(registry, repository, tag, digest if at else None)


def normalise_registry(host: str) -> str:
    """A registry host as references are compared: lower-case, Docker Hub aliases folded."""
    host = host.lower()
    return DOCKER_HUB if host in _DOCKER_HUB_ALIASES else host


def _split_registry(name: str) -> tuple[str, str]:
    first, slash, rest = name.partition("/")
    if slash and _is_host(first):
        registry, repository = normalise_registry(first), rest
    else:
        registry, repository = DOCKER_HUB, name
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"{_OFFICIAL_NAMESPACE}/{repository}"
    return registry, repository


def _is_host(component: str) -> bool:
    """Whether the first path component names a registry rather than a Docker Hub namespace."""
    return (
        "." in component
        or ":" in component
        or component == "localhost"
        or component != component.lower()
    )
