"""Package URLs (https://github.com/package-url/purl-spec) for the packages catalogers find."""

from __future__ import annotations

from packageurl import PackageURL

from kubeguard.model.image import Distro, Package, PackageType
from kubeguard.sources.images.catalogers.base import CatalogContext, ImageFile


def distro_qualifier(distro: Distro | None) -> str | None:
    """``debian-12``: the ``distro`` qualifier Trivy and Syft write for OS packages."""
    if distro is None:
        return None
    return f"{distro.id}-{distro.version_id}" if distro.version_id else distro.id


def os_purl(
    package_type: PackageType,
    name: str,
    version: str,
    *,
    distro: Distro | None,
    arch: str | None,
    epoch: str | None = None,
    upstream: str | None = None,
) -> str:
    """The purl of a deb, apk or rpm package (namespace: the distro id)."""
    qualifiers = {
        "arch": arch,
        "epoch": epoch,
        "distro": distro_qualifier(distro),
        "upstream": upstream if upstream and upstream != name else None,
    }
    return PackageURL(
        type=package_type.value,
        namespace=distro.id if distro is not None else None,
        name=name,
        version=version,
        qualifiers={key: value for key, value in qualifiers.items() if value},
    ).to_string()


def language_purl(
    package_type: PackageType, name: str, version: str, namespace: str | None = None
) -> str:
    """The purl of a language package."""
    return PackageURL(
        type=package_type.value, namespace=namespace, name=name, version=version
    ).to_string()


def os_package(
    package_type: PackageType,
    file: ImageFile,
    context: CatalogContext,
    *,
    name: str,
    version: str,
    arch: str | None,
    source_name: str | None,
    source_version: str | None = None,
    licenses: tuple[str, ...] = (),
    purl_version: str | None = None,
    epoch: str | None = None,
    upstream: str | None = None,
) -> Package:
    """A distribution package found in ``file``, with its purl."""
    return Package(
        name=name,
        version=version,
        type=package_type,
        purl=os_purl(
            package_type,
            name,
            purl_version or version,
            distro=context.distro,
            arch=arch,
            epoch=epoch,
            upstream=upstream or source_name,
        ),
        layer=file.layer,
        path=file.path,
        source_name=source_name,
        source_version=source_version,
        architecture=arch,
        licenses=licenses,
    )
