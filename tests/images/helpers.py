"""Reading test images the way users do: through :func:`kubeguard.sources.images.read_image`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kubeguard.model.image import ImageInventory
from kubeguard.sources.images import Limits, read_image
from tests.images.builders import Image, layer, write_layout


def inventory_of(
    folder: Path,
    layers: Sequence[Mapping[str, Any]],
    *,
    compression: str | None = "gzip",
    limits: Limits | None = None,
) -> ImageInventory:
    """The inventory of an OCI layout, written under ``folder``, with one layer per mapping."""
    image = Image([layer(entries, compression) for entries in layers])
    return read_image(str(write_layout(folder / "layout", [(image, "test")])), limits=limits)
