"""``docker save`` archives in the legacy layout (``manifest.json`` beside the blobs).

``manifest.json`` is ``[{"Config": "<file>", "RepoTags": ["name:tag"], "Layers": ["<file>", …]}]``.
Layers are usually uncompressed tars named ``<id>/layer.tar`` (skopeo writes them as links to
``<sha256>.tar``); Docker 25+ names them ``blobs/sha256/<hex>``. The image ID is the digest of
the configuration file; there is no manifest digest in this format.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from kubeguard.model.image import LayerInfo, problem
from kubeguard.sources.images.containers import Container, opener
from kubeguard.sources.images.inventory import LayerBlob, ResolvedImage
from kubeguard.sources.images.limits import Limits
from kubeguard.sources.images.manifests import diff_ids, load_json

MANIFEST = "manifest.json"
_BLOB_PATH = re.compile(r"blobs/sha256/(?P<hex>[0-9a-f]{64})")
_LEGACY_LAYER = "application/vnd.docker.image.rootfs.diff.tar"


def resolve_archive(
    container: Container, source: str, tag: str | None, limits: Limits
) -> ResolvedImage:
    """The image of a legacy docker archive (the one tagged ``tag`` when it holds several)."""
    where = container.where
    data = container.read(MANIFEST, limits.max_json_bytes)
    entries = _entries(data, where)
    if tag is not None:
        entries = [
            e for e in entries if any(t == tag or t.endswith(f":{tag}") for t in _repo_tags(e))
        ]
        if not entries:
            raise problem(f"the archive has no image tagged {tag!r}", where)
    if len(entries) > 1:
        tags = sorted({t for e in entries for t in _repo_tags(e)})
        raise problem(
            f"the archive holds {len(entries)} images; name one as PATH:TAG (tags: {', '.join(tags) or 'none'})",
            where,
        )
    entry = entries[0]
    config_name, layer_names = entry.get("Config"), entry.get("Layers")
    if not isinstance(config_name, str) or not isinstance(layer_names, list):
        raise problem("manifest.json entry has no Config or Layers", where)
    if len(layer_names) > limits.max_layers:
        raise problem(
            f"image has {len(layer_names)} layers, over the limit of {limits.max_layers}", where
        )
    config_bytes = container.read(config_name, limits.max_json_bytes)
    config = load_json(config_bytes, "image configuration", where)
    ids = diff_ids(config)
    layers: list[LayerBlob] = []
    for number, name in enumerate(layer_names):
        if not isinstance(name, str):
            raise problem(f"layer {number} of manifest.json is not a file name", where)
        diff_id = ids[number] if number < len(ids) else None
        blob = _BLOB_PATH.fullmatch(name)
        digest = f"sha256:{blob['hex']}" if blob else diff_id
        info = LayerInfo(digest=digest or name, diff_id=diff_id, media_type=_LEGACY_LAYER)
        layers.append(LayerBlob(info, opener(container, name), verify_digest=digest is not None))
    return ResolvedImage(
        source=source,
        digest=None,
        config_digest="sha256:" + hashlib.sha256(config_bytes).hexdigest(),
        config=config,
        layers=tuple(layers),
        tags=tuple(_repo_tags(entry)),
    )


def _entries(data: bytes, where: str) -> list[dict[str, Any]]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise problem(f"manifest.json is not JSON: {error}", where) from None
    if not isinstance(value, list) or not value or not all(isinstance(e, dict) for e in value):
        raise problem("manifest.json is not a list of images", where)
    return value


def _repo_tags(entry: dict[str, Any]) -> list[str]:
    tags = entry.get("RepoTags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
