"""``kubeguard image inventory``: the packages found in images, as a table or JSON.

The JSON shape is :func:`kubeguard.model.image.inventory_as_dict`, one object per image, in a
list; images that could not be read at all appear as ``{"source": …, "error": …}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import assert_never

import orjson

from kubeguard.model import SourceError
from kubeguard.model.image import ImageInventory, inventory_as_dict


class InventoryFormat(StrEnum):
    """Formats of ``kubeguard image inventory``."""

    TABLE = "table"
    JSON = "json"


def render_inventories(
    results: Sequence[ImageInventory | tuple[str, SourceError]], output_format: InventoryFormat
) -> str:
    """Render each image's inventory, or the error that kept it from being read."""
    match output_format:
        case InventoryFormat.TABLE:
            return "\n".join(_table(item) for item in results)
        case InventoryFormat.JSON:
            document = [
                inventory_as_dict(item)
                if isinstance(item, ImageInventory)
                else {"source": item[0], "error": str(item[1])}
                for item in results
            ]
            return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
        case _:
            assert_never(output_format)


def _table(item: ImageInventory | tuple[str, SourceError]) -> str:
    if not isinstance(item, ImageInventory):
        return f"{item[0]}\n  error: {item[1]}\n"
    inventory = item
    lines = [
        inventory.source,
        f"  digest    {inventory.digest or '-'}",
        f"  image id  {inventory.config_digest}",
        f"  platform  {inventory.platform}",
        f"  os        {inventory.distro.pretty_name or inventory.distro if inventory.distro else 'unknown'}",
        f"  layers    {len(inventory.layers)}",
        "",
    ]
    rows = [("TYPE", "NAME", "VERSION", "SOURCE", "PATH")]
    rows += [
        (
            p.type.value,
            p.name,
            p.version,
            p.source_name if p.source_name not in (None, p.name) else "",
            p.path,
        )
        for p in inventory.packages
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in rows
    ]
    counts: dict[str, int] = {}
    for package in inventory.packages:
        counts[package.type.value] = counts.get(package.type.value, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    lines += ["", f"{len(inventory.packages)} packages" + (f" ({summary})" if summary else "")]
    lines += [f"problem: {problem}" for problem in inventory.problems]
    return "\n".join(lines) + "\n"
