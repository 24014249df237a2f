"""Suppressions particular to vulnerability findings: ``--ignore-unfixed`` and VEX statements.

Like every exception, a suppressed finding is kept, counted and listed with
``--show-suppressed``; it no longer fails the scan.

A VEX statement applies to a finding when its vulnerability is the finding's id or one of its
aliases, and one of its products is the finding's package (package URLs compared by type,
namespace, name and, when the statement gives one, version; qualifiers are ignored) or the
image itself (its digest, image ID, or a ``pkg:oci`` URL with that digest) with the package
among the subcomponents or no subcomponents listed. Where several statements apply, the latest
(by timestamp, then by position) decides: an ``affected`` statement made after a
``not_affected`` one revives the finding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from packageurl import PackageURL

from kubeguard.engines.vulns.matcher import (
    EXTRA_ALIASES,
    EXTRA_FIXED_VERSION,
    EXTRA_IMAGE_DIGEST,
    EXTRA_IMAGE_ID,
    EXTRA_PURL,
)
from kubeguard.model import Finding, Layer, Status
from kubeguard.model.advisory import VexStatement
from kubeguard.model.image import parse_image

UNFIXED_REASON = "--ignore-unfixed: no fixed version is available"


def _is_vulnerability(finding: Finding) -> bool:
    return (
        finding.status == Status.FAIL
        and finding.layer == Layer.IMAGE
        and finding.suppressed_by is None
        and EXTRA_FIXED_VERSION in finding.extra
    )


def suppress_unfixed(findings: Iterable[Finding]) -> list[Finding]:
    """Mark vulnerabilities without a fixed version as suppressed."""
    return [
        dataclasses.replace(finding, suppressed_by=UNFIXED_REASON)
        if _is_vulnerability(finding) and not finding.extra[EXTRA_FIXED_VERSION]
        else finding
        for finding in findings
    ]


def apply_vex(findings: Iterable[Finding], statements: Sequence[VexStatement]) -> list[Finding]:
    """Mark vulnerabilities a ``not_affected`` statement covers as suppressed."""
    ordered = sorted(enumerate(statements), key=lambda item: (item[1].timestamp or "", item[0]))
    result = []
    for finding in findings:
        if _is_vulnerability(finding):
            deciding = None
            for _, statement in ordered:
                if _applies(statement, finding):
                    deciding = statement
            if deciding is not None and deciding.status == "not_affected":
                finding = dataclasses.replace(finding, suppressed_by=_describe(deciding))
        result.append(finding)
    return result


def _describe(statement: VexStatement) -> str:
    why = statement.justification or statement.impact_statement or "no justification given"
    return f"VEX {statement.source}: not_affected ({why})"


def _applies(statement: VexStatement, finding: Finding) -> bool:
    ids = {finding.control_id, *filter(None, finding.extra.get(EXTRA_ALIASES, "").split(","))}
    if statement.vulnerability not in ids:
        return False
    package = _purl(finding.extra.get(EXTRA_PURL, ""))
    if package is not None and any(_same_package(p, package) for p in statement.products):
        return True
    image_ids = {finding.extra.get(EXTRA_IMAGE_DIGEST, ""), finding.extra.get(EXTRA_IMAGE_ID, "")}
    image_ids.discard("")
    if finding.resource is not None:
        image_ids.add(finding.resource.name)
    if not any(_names_image(product, image_ids) for product in statement.products):
        return False
    if not statement.subcomponents:
        return True
    return package is not None and any(_same_package(s, package) for s in statement.subcomponents)


def _purl(text: str) -> PackageURL | None:
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def _same_package(text: str, package: PackageURL) -> bool:
    product = _purl(text)
    if product is None:
        return False
    fold = str.lower if package.type == "pypi" else str
    return (
        product.type == package.type
        and fold(product.namespace or "") == fold(package.namespace or "")
        and fold(product.name) == fold(package.name)
        and (not product.version or product.version == package.version)
    )


def _names_image(text: str, image_ids: set[str]) -> bool:
    """Whether a product names the image: its digest or ID, its reference, or a ``pkg:oci`` URL
    with its digest, or with no version and the image's repository."""
    if text in image_ids:
        return True
    product = _purl(text)
    if product is None or product.type != "oci":
        return False
    if product.version is not None:
        return unquote(product.version) in image_ids
    repositories = {ref.name for ref in map(parse_image, image_ids) if ref is not None}
    qualifiers = product.qualifiers if isinstance(product.qualifiers, dict) else {}
    wanted = qualifiers.get("repository_url")
    if isinstance(wanted, str) and wanted:
        named = parse_image(wanted)
        return named is not None and named.name in repositories
    return any(name.rsplit("/", 1)[-1] == product.name for name in repositories)
