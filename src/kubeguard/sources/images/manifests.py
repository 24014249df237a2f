"""OCI and Docker manifests, indexes and image configurations: parsing and platform choice.

Both the OCI image layout and the registry API hand out the same JSON documents, so both read
them here. Docker's v2 schema 2 media types are the OCI ones under other names; Docker's
schema 1 (signed, before 2016) is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from kubeguard.model.image import ImageConfig, LayerInfo, Platform, problem

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_SCHEMA1 = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
MANIFEST_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
#: What a client accepts when it asks a registry for a manifest.
ACCEPTED_MANIFESTS = (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST)
#: ``vnd.docker.reference.type`` of the attestation manifests BuildKit puts in indexes.
_ATTESTATION = "attestation-manifest"

DEFAULT_PLATFORM = Platform("linux", "amd64")
#: Index depth followed before giving up (an index may point to an index).
MAX_INDEX_DEPTH = 4


def load_json(data: bytes, what: str, where: str) -> dict[str, Any]:
    """A JSON object, or a :class:`SourceError` naming ``what`` is wrong."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise problem(f"{what} is not JSON: {error}", where) from None
    if not isinstance(value, dict):
        raise problem(f"{what} is not a JSON object", where)
    return value


def media_type_of(document: Mapping[str, Any], fallback: str | None = None) -> str:
    """The document's own ``mediaType``, else the descriptor's, else guessed from its shape."""
    declared = document.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    if fallback:
        return fallback
    if isinstance(document.get("manifests"), list):
        return OCI_INDEX
    if document.get("schemaVersion") == 1:
        return DOCKER_SCHEMA1[0]
    return OCI_MANIFEST


def descriptors(document: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    """The well-formed descriptors under ``key`` (each with a string ``digest``)."""
    items = document.get(key)
    if not isinstance(items, list):
        raise problem(f"document has no {key!r} list", where)
    return [
        item for item in items if isinstance(item, dict) and isinstance(item.get("digest"), str)
    ]


def _platform_of(descriptor: Mapping[str, Any]) -> Platform | None:
    platform = descriptor.get("platform")
    if not isinstance(platform, dict):
        return None
    os_name, arch = platform.get("os"), platform.get("architecture")
    if not isinstance(os_name, str) or not isinstance(arch, str):
        return None
    variant = platform.get("variant")
    return Platform(os_name, arch, variant if isinstance(variant, str) and variant else None)


def _platform_matches(candidate: Platform, wanted: Platform) -> bool:
    if (candidate.os, candidate.architecture) != (wanted.os, wanted.architecture):
        return False
    return wanted.variant is None or candidate.variant == wanted.variant


def choose_manifest(
    index: Mapping[str, Any], platform: Platform | None, where: str
) -> dict[str, Any]:
    """The descriptor of the image for ``platform`` in an index.

    Attestation manifests are not images. Without ``--platform``, an index with a single image
    gives that image, and otherwise linux/amd64 is chosen, as ``docker pull`` on such a host would.
    """
    images = [
        d
        for d in descriptors(index, "manifests", where)
        if (d.get("annotations") or {}).get("vnd.docker.reference.type") != _ATTESTATION
    ]
    if not images:
        raise problem("the index lists no images", where)
    if platform is None and len(images) == 1:
        return images[0]
    wanted = platform or DEFAULT_PLATFORM
    for descriptor in images:
        found = _platform_of(descriptor)
        if found is not None and _platform_matches(found, wanted):
            return descriptor
    available = ", ".join(sorted({str(p) for d in images if (p := _platform_of(d)) is not None}))
    raise problem(
        f"no image for platform {wanted} in the index (available: {available or 'none'}); "
        "choose one with --platform",
        where,
    )


def check_manifest_type(media_type: str, where: str) -> None:
    """Refuse what is not an image manifest (schema 1, an artifact …) with a clear reason."""
    if media_type in DOCKER_SCHEMA1:
        raise problem(
            "Docker schema 1 manifests (deprecated since 2017) are not supported; "
            "push the image again with a current client",
            where,
        )
    if media_type not in MANIFEST_TYPES and media_type not in INDEX_TYPES:
        raise problem(f"unsupported manifest media type {media_type!r}", where)


def config_digest(manifest: Mapping[str, Any], where: str) -> str:
    """The digest of the configuration blob a manifest names."""
    config = manifest.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("digest"), str):
        raise problem("manifest names no configuration blob", where)
    return str(config["digest"])


def diff_ids(config: Mapping[str, Any]) -> list[str]:
    """``rootfs.diff_ids`` of an image configuration (empty when missing or malformed)."""
    rootfs = config.get("rootfs")
    ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    return [str(i) for i in ids] if isinstance(ids, list) else []


def manifest_layers(
    manifest: Mapping[str, Any], config: Mapping[str, Any], where: str, max_layers: int
) -> list[LayerInfo]:
    """The manifest's layers, lowest first, each with its diff_id from the configuration."""
    layers = descriptors(manifest, "layers", where)
    if len(layers) > max_layers:
        raise problem(f"image has {len(layers)} layers, over the limit of {max_layers}", where)
    ids = diff_ids(config)
    return [
        LayerInfo(
            digest=str(layer["digest"]),
            diff_id=ids[number] if number < len(ids) else None,
            media_type=str(layer.get("mediaType") or "application/vnd.oci.image.layer.v1.tar"),
            size=layer["size"] if isinstance(layer.get("size"), int) else None,
        )
        for number, layer in enumerate(layers)
    ]


def image_platform(config: Mapping[str, Any]) -> Platform:
    """``os/architecture[/variant]`` of an image configuration (``unknown`` parts when missing)."""

    def text(key: str) -> str | None:
        value = config.get(key)
        return value if isinstance(value, str) and value else None

    return Platform(text("os") or "unknown", text("architecture") or "unknown", text("variant"))


def image_config(config: Mapping[str, Any]) -> ImageConfig:
    """What the image runs, read defensively from its configuration."""
    run = config.get("config")
    run = run if isinstance(run, dict) else {}

    def strings(value: object) -> tuple[str, ...]:
        return tuple(str(item) for item in value) if isinstance(value, list) else ()

    def text(value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    labels = run.get("Labels")
    ports = run.get("ExposedPorts")
    return ImageConfig(
        user=text(run.get("User")),
        entrypoint=strings(run.get("Entrypoint")),
        cmd=strings(run.get("Cmd")),
        env=strings(run.get("Env")),
        working_dir=text(run.get("WorkingDir")),
        exposed_ports=tuple(sorted(str(p) for p in ports)) if isinstance(ports, dict) else (),
        labels={str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {},
        created=text(config.get("created")),
    )
