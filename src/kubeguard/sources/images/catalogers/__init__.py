"""Catalogers: one module per package database or metadata format found in images."""

from kubeguard.sources.images.catalogers.apk import APK
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    ImageFile,
)
from kubeguard.sources.images.catalogers.dpkg import DPKG
from kubeguard.sources.images.catalogers.golang import GO_BINARY
from kubeguard.sources.images.catalogers.java import JAVA_ARCHIVE
from kubeguard.sources.images.catalogers.npm import NPM
from kubeguard.sources.images.catalogers.os_release import OS_RELEASE
from kubeguard.sources.images.catalogers.python import PYTHON
from kubeguard.sources.images.catalogers.rpm import RPM

#: Every cataloger, in the order files are offered to them: those that select by exact path
#: first, so an executable ``package.json`` still goes to npm rather than to the Go reader.
CATALOGERS: tuple[Cataloger, ...] = (
    OS_RELEASE,
    DPKG,
    APK,
    RPM,
    PYTHON,
    NPM,
    JAVA_ARCHIVE,
    GO_BINARY,
)

__all__ = ["CATALOGERS", "CatalogContext", "Cataloger", "ImageFile"]
