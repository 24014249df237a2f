"""The operating system of an image, from ``/etc/os-release`` (or ``/usr/lib/os-release``).

``/etc/os-release`` wins when both exist, as systemd's os-release(5) says; it is often a
symlink to ``/usr/lib/os-release``, which the layer walker does not follow, so the second file
is read too.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from kubeguard.model.image import Distro
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    decode_text,
)

OS_RELEASE_PATHS = ("/etc/os-release", "/usr/lib/os-release")


def selects_os_release(path: str, mode: int) -> bool:
    """Whether ``path`` is one of the os-release files."""
    return path in OS_RELEASE_PATHS


def parse_os_release(text: str) -> dict[str, str]:
    """The ``KEY=value`` assignments of an os-release file, shell quoting undone."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            words = shlex.split(raw)
        except ValueError:
            words = [raw.strip("'\"")]
        values[key.strip()] = " ".join(words)
    return values


def detect_distro(files: Sequence[ImageFile]) -> Distro | None:
    """The distro the os-release files describe; ``None`` without a usable file."""
    by_path = {file.path: file for file in files}
    for path in OS_RELEASE_PATHS:
        file = by_path.get(path)
        if file is None:
            continue
        values = parse_os_release(decode_text(file.data))
        distro_id = values.get("ID", "").strip().lower()
        if not distro_id:
            continue
        return Distro(
            id=distro_id,
            version_id=values.get("VERSION_ID") or None,
            pretty_name=values.get("PRETTY_NAME") or None,
            id_like=tuple(values.get("ID_LIKE", "").split()),
            version_codename=values.get("VERSION_CODENAME") or None,
        )
    return None


def _no_packages(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    return iter(())


#: Keeps the os-release files; :func:`detect_distro` reads them before the package catalogers run.
OS_RELEASE = Cataloger(name="os-release", selects=selects_os_release, catalog=_no_packages)
