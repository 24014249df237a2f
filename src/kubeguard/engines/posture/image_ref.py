"""Container image references for posture controls: what they share about a container's image.

References are parsed the way the container runtime reads them, by
:mod:`kubeguard.model.image_reference` (re-exported here); this module adds registry prefixes, the
default pull policy and one violation per container whose image a control finds fault with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kubeguard.engines.posture.control import Violation
from kubeguard.engines.posture.views import ContainerView, WorkloadView
from kubeguard.model.image_reference import (
    DOCKER_HUB,
    LATEST,
    ImageRef,
    normalise_registry,
    parse_image,
)

#: A container, its image reference as written, and that reference parsed (``None`` if invalid).
ContainerImage = tuple[ContainerView, str, ImageRef | None]

__all__ = [
    "DOCKER_HUB",
    "LATEST",
    "ContainerImage",
    "ImageRef",
    "container_images",
    "default_pull_policy",
    "image_violations",
    "in_registry",
    "normalise_registry",
    "parse_image",
]


def in_registry(ref: ImageRef, prefix: str) -> bool:
    """Whether ``ref`` lies under ``prefix``, a registry host or ``host/path`` prefix.

    Matching is on whole path components of the normalised name, so ``registry.example.com/team``
    covers ``registry.example.com/team/app`` but not ``registry.example.com/teamx/app`` or the
    same host on another port. Docker Hub is ``docker.io``; its official images are under
    ``docker.io/library``.
    """
    host, slash, path = prefix.strip().strip("/").partition("/")
    if not host:
        return False
    wanted = normalise_registry(host) + (f"/{path}" if slash else "")
    return ref.name == wanted or ref.name.startswith(f"{wanted}/")


def default_pull_policy(image: str | None) -> str:
    """The ``imagePullPolicy`` Kubernetes fills in when a container leaves it unset.

    ``Always`` when the pulled tag is ``latest`` (written, or implied by a reference with neither
    tag nor digest), else ``IfNotPresent``, including for references it cannot parse.
    """
    ref = parse_image(image) if image is not None else None
    return "Always" if ref is not None and ref.pulled_tag == LATEST else "IfNotPresent"


def image_violations(
    workload: WorkloadView, judge: Callable[[ImageRef | None], str | None]
) -> Iterator[Violation]:
    """One violation per container whose image ``judge`` finds a problem with.

    ``judge`` gets the parsed reference (``None`` if the image is not a valid reference) and
    returns what is wrong, worded to follow "image 'x' of container 'y'", or ``None``.
    Containers whose ``image`` is missing or not a string are left out: there is no reference to
    judge, and the API server rejects them anyway.
    """
    for container, image, ref in container_images(workload):
        problem = judge(ref)
        if problem is not None:
            yield Violation(
                path=container.path("image"),
                message=f"image {image!r} of {container.label} {problem}",
                value=image,
            )


def container_images(workload: WorkloadView) -> tuple[ContainerImage, ...]:
    """Each container whose ``image`` is a string, with the reference parsed.

    Parsed once per workload: every image control judges the same references.
    """
    return workload.derived(_container_images)


def _container_images(workload: WorkloadView) -> tuple[ContainerImage, ...]:
    return tuple(
        (container, container.image, parse_image(container.image))
        for container in workload.containers()
        if container.image is not None
    )
