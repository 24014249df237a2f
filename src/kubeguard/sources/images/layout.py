"""OCI image layouts (https://github.com/opencontainers/image-spec/blob/main/image-layout.md).

``index.json`` lists manifests (or nested indexes), each blob sits at
``blobs/<algorithm>/<hex>``. A tag is the ``org.opencontainers.image.ref.name`` annotation of
an ``index.json`` entry. Docker 25+ ``docker save`` writes this layout too (with a legacy
``manifest.json`` beside it), so such archives are read here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from kubeguard.model.image import Platform, problem
from kubeguard.sources.images.containers import Container, opener
from kubeguard.sources.images.inventory import LayerBlob, ResolvedImage
from kubeguard.sources.images.limits import Limits
from kubeguard.sources.images.manifests import (
    INDEX_TYPES,
    MAX_INDEX_DEPTH,
    check_manifest_type,
    choose_manifest,
    config_digest,
    descriptors,
    load_json,
    manifest_layers,
    media_type_of,
)

INDEX = "index.json"
REF_NAME = "org.opencontainers.image.ref.name"
_CONTAINERD_NAME = "io.containerd.image.name"
_DIGEST = re.compile(r"(?P<algorithm>sha256|sha512):(?P<hex>[0-9a-f]{64}|[0-9a-f]{128})")


def blob_name(digest: str, where: str) -> str:
    """``blobs/sha256/<hex>`` for a digest; refuses anything that is not a digest."""
    match = _DIGEST.fullmatch(digest)
    if match is None:
        raise problem(f"invalid digest {digest!r}", where)
    return f"blobs/{match['algorithm']}/{match['hex']}"


def read_blob(container: Container, digest: str, limit: int) -> bytes:
    """A small blob (manifest, config), checked against its digest."""
    data = container.read(blob_name(digest, container.where), limit)
    algorithm = digest.partition(":")[0]
    actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
    if actual != digest:
        raise problem(f"blob {digest} does not match its digest (got {actual})", container.where)
    return data


def _tags(descriptor: Mapping[str, Any]) -> list[str]:
    annotations = descriptor.get("annotations")
    if not isinstance(annotations, dict):
        return []
    names = [annotations.get(REF_NAME), annotations.get(_CONTAINERD_NAME)]
    return [name for name in names if isinstance(name, str) and name]


def _matches_tag(descriptor: Mapping[str, Any], tag: str) -> bool:
    return any(name == tag or name.endswith(f":{tag}") for name in _tags(descriptor))


def resolve_layout(
    container: Container, source: str, tag: str | None, platform: Platform | None, limits: Limits
) -> ResolvedImage:
    """The image of the layout (the one tagged ``tag``, for ``platform``)."""
    where = container.where
    index = load_json(container.read(INDEX, limits.max_json_bytes), INDEX, where)
    entries = descriptors(index, "manifests", where)
    if tag is not None:
        entries = [d for d in entries if _matches_tag(d, tag)]
        if not entries:
            raise problem(f"the layout has no image tagged {tag!r}", where)
    if not entries:
        raise problem("the layout's index.json lists no images", where)
    tags = tuple(t for d in entries for t in _tags(d))
    distinct = {d["digest"] for d in entries}
    if len(distinct) > 1 and any(not isinstance(d.get("platform"), dict) for d in entries):
        raise problem(
            f"the layout holds {len(distinct)} images; name one as PATH:TAG "
            f"(tags: {', '.join(sorted(set(tags))) or 'none'})",
            where,
        )
    descriptor = (
        entries[0]
        if len(distinct) == 1
        else choose_manifest({"manifests": entries}, platform, where)
    )
    for _ in range(MAX_INDEX_DEPTH):
        digest = str(descriptor["digest"])
        document = load_json(
            read_blob(container, digest, limits.max_json_bytes), f"manifest {digest}", where
        )
        media_type = media_type_of(document, descriptor.get("mediaType"))
        check_manifest_type(media_type, where)
        if media_type in INDEX_TYPES:
            descriptor = choose_manifest(document, platform, where)
            continue
        return _resolved(container, source, digest, document, tags, limits)
    raise problem(f"indexes nested more than {MAX_INDEX_DEPTH} deep", where)


def _resolved(
    container: Container,
    source: str,
    digest: str,
    manifest: Mapping[str, Any],
    tags: tuple[str, ...],
    limits: Limits,
) -> ResolvedImage:
    where = container.where
    config_id = config_digest(manifest, where)
    config = load_json(
        read_blob(container, config_id, limits.max_json_bytes), "image configuration", where
    )
    layers = manifest_layers(manifest, config, where, limits.max_layers)
    return ResolvedImage(
        source=source,
        digest=digest,
        config_digest=config_id,
        config=config,
        layers=tuple(
            LayerBlob(info, opener(container, blob_name(info.digest, where))) for info in layers
        ),
        tags=tags,
    )
