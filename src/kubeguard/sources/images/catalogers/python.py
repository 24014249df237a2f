"""Installed Python distributions: ``*.dist-info/METADATA`` and ``*.egg-info`` metadata.

The core metadata headers (``Name``, ``Version``, ``License-Expression``/``License``) come
before the first blank line; the rest is the long description and is not read. Wheels install
``name-version.dist-info/METADATA``; setuptools' older installs write ``*.egg-info/PKG-INFO``,
a single ``*.egg-info`` file, or ``EGG-INFO/PKG-INFO`` inside an egg.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import Message
from email.parser import HeaderParser

from kubeguard.model.image import Package, PackageType
from kubeguard.sources.images.catalogers.base import (
    CatalogContext,
    Cataloger,
    CatalogResult,
    ImageFile,
    decode_text,
)
from kubeguard.sources.images.catalogers.purls import language_purl

_LICENSE_CLASSIFIER = "License :: "


def _selects(path: str, mode: int) -> bool:
    folder, _, name = path.rpartition("/")
    if name == "METADATA":
        return folder.endswith(".dist-info")
    if name == "PKG-INFO":
        return folder.endswith((".egg-info", "/EGG-INFO"))
    return name.endswith(".egg-info")


def _catalog(files: Sequence[ImageFile], context: CatalogContext) -> CatalogResult:
    parser = HeaderParser()
    for file in files:
        text = decode_text(file.data)
        headers = parser.parsestr(text.split("\n\n", 1)[0])
        name, version = headers.get("Name"), headers.get("Version")
        if not name or not version:
            yield file.problem("Python metadata without Name or Version")
            continue
        name, version = str(name).strip(), str(version).strip()
        yield Package(
            name=name,
            version=version,
            type=PackageType.PYPI,
            purl=language_purl(PackageType.PYPI, name, version),
            layer=file.layer,
            path=file.path,
            licenses=_licenses(headers),
        )


def _licenses(headers: Message) -> tuple[str, ...]:
    expressions = [str(value).strip() for value in headers.get_all("License-Expression") or []]
    if expressions:
        return tuple(expressions)
    classifiers = [
        str(value).rsplit(" :: ", 1)[-1]
        for value in headers.get_all("Classifier") or []
        if str(value).startswith(_LICENSE_CLASSIFIER)
    ]
    if classifiers:
        return tuple(classifiers)
    license_field = str(headers.get("License") or "").strip()
    # Some projects paste their whole license text here; a name is at most a line.
    if license_field and license_field != "UNKNOWN" and "\n" not in license_field:
        return (license_field,)
    return ()


PYTHON = Cataloger(name="python", selects=_selects, catalog=_catalog)
