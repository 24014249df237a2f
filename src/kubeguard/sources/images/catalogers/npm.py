"""Installed npm packages: ``node_modules/<name>/package.json`` and ``node_modules/@scope/<name>/package.json``.

Only package roots count: the ``package.json`` files deeper inside a package (``rxjs/ajax``
and the like) describe entry points, not packages, so they are not selected.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from kubeguard.model.image import Package, PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
)
from kubeguard.sources.images.catalogers.purls import language_purl


def _selects(path: str, mode: int) -> bool:
    if not path.endswith("/package.json"):
        return False
    parts = path.split("/")
    if len(parts) >= 4 and parts[-3] == "node_modules":
        return not parts[-2].startswith("@")
    return len(parts) >= 5 and parts[-4] == "node_modules" and parts[-3].startswith("@")


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    for file in files:
        try:
            manifest = orjson.loads(file.data)
        except orjson.JSONDecodeError as error:
            yield file.problem(f"package.json is not JSON: {error}")
            continue
        if not isinstance(manifest, dict):
            yield file.problem("package.json is not a JSON object")
            continue
        name, version = manifest.get("name"), manifest.get("version")
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            continue  # private workspace packages often have no version; nothing to match
        scope, slash, bare = name.rpartition("/")
        yield Package(
            name=name,
            version=version,
            type=PackageType.NPM,
            purl=language_purl(PackageType.NPM, bare, version, scope if slash else None),
            layer=file.layer,
            path=file.path,
            licenses=_licenses(manifest.get("license"), manifest.get("licenses")),
        )


def _licenses(license_field: object, legacy: object) -> tuple[str, ...]:
    if isinstance(license_field, str) and license_field:
        return (license_field,)
    if isinstance(license_field, dict) and isinstance(license_field.get("type"), str):
        return (license_field["type"],)
    if isinstance(legacy, list):
        return tuple(
            item["type"]
            for item in legacy
            if isinstance(item, dict) and isinstance(item.get("type"), str)
        )
    return ()


NPM = Cataloger(name="npm", selects=_selects, catalog=_catalog)
