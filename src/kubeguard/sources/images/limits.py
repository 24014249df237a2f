"""Bounds on what reading an image may cost, so a hostile image cannot exhaust memory or time.

Every number is a ceiling on bytes actually read (after decompression), not on sizes an archive
claims: tar headers, zip directories and manifests can all lie.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of an image kubeguard reads before it gives up on a file, a layer or the image."""

    max_file_bytes: int = 256 * MIB
    """One file kept whole for a cataloger (a package database, a METADATA file …)."""
    max_archive_bytes: int = 64 * MIB
    """One jar/war read into memory to find the Maven metadata inside."""
    max_member_bytes: int = 1 * MIB
    """One entry read from inside a jar (``pom.properties``)."""
    max_layer_bytes: int = 16 * 1024 * MIB
    """Uncompressed bytes of one layer: a decompression bomb stops here."""
    max_layers: int = 512
    """Layers of one image (Docker itself stops at 127)."""
    max_json_bytes: int = 8 * MIB
    """A manifest, an index or a configuration blob."""
    max_noted_entries: int = 5
    """Suspicious entries (path traversal …) reported one by one per layer before summarising."""
