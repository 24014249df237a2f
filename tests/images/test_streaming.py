"""Layers are streamed: memory stays flat however large a layer is, and inventories are quick."""

from __future__ import annotations

import hashlib
import time
import tracemalloc

from kubeguard.sources.images import read_image
from tests.images.builders import (
    File,
    Image,
    dpkg_status,
    layer,
    npm_package,
    python_metadata,
    write_layout,
)

MIB = 1024 * 1024


def incompressible(size: int) -> bytes:
    return b"".join(hashlib.sha256(n.to_bytes(4, "big")).digest() for n in range(size // 32))


def test_a_large_layer_is_never_held_in_memory(tmp_path):
    data = incompressible(24 * MIB)
    image = Image(
        [
            layer(
                {
                    "opt/blob.bin": data,
                    "opt/tool": File(
                        data, 0o755
                    ),  # an executable is scanned for Go build info, not kept
                    "var/lib/dpkg/status": dpkg_status([("after-the-blob", "1", None)]),
                }
            )
        ]
    )
    layout = write_layout(tmp_path / "layout", [(image, None)])
    del data, image
    tracemalloc.start()
    try:
        inventory = read_image(str(layout))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.name for p in inventory.packages] == ["after-the-blob"]
    assert peak < 4 * MIB, f"peak {peak / MIB:.1f} MiB while reading a 48 MiB layer"


def test_an_image_of_several_hundred_packages_is_read_quickly(tmp_path):
    site = "usr/local/lib/python3.12/site-packages"
    image = Image(
        [
            layer(
                {
                    "var/lib/dpkg/status": dpkg_status(
                        [(f"lib{n}", f"1.{n}-1", f"src{n}") for n in range(500)]
                    )
                }
            ),
            layer(
                {
                    f"{site}/p{n}-1.0.dist-info/METADATA": python_metadata(f"p{n}", "1.0")
                    for n in range(300)
                }
            ),
            layer(
                {
                    f"app/node_modules/m{n}/package.json": npm_package(f"m{n}", "1.0.0")
                    for n in range(100)
                },
                "zstd",
            ),
        ]
    )
    layout = str(write_layout(tmp_path / "layout", [(image, None)]))
    started = time.perf_counter()
    inventory = read_image(layout)
    elapsed = time.perf_counter() - started
    assert len(inventory.packages) == 900
    # Measured at about 0.1 s on the two-core CI machine; the bound only catches a regression
    # to per-package work that grows out of proportion.
    assert elapsed < 5.0
