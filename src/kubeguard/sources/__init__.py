"""Sources turn the outside world into model objects; they never judge anything."""

from kubeguard.sources.manifests import SkippedDocument, read_manifests

__all__ = ["SkippedDocument", "read_manifests"]
