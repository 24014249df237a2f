"""Installed packages against advisories: which vulnerabilities an image has, as findings.

Each package is looked up by ecosystem, release and name:

- OS packages take their ecosystem and release from the image's distribution (Debian, Ubuntu,
  Alpine, Wolfi, Chainguard, Amazon Linux, RHEL and its rebuilds, by ``ID`` then ``ID_LIKE``)
  and are matched by *source* package name and, for dpkg, source version: distributions publish
  their advisories per source package, with their own backported fixes. A deb, apk or rpm
  package in an image whose distribution kubeguard cannot tell is not matched.
- Language packages take their ecosystem from their type (PyPI, npm, Go, Maven), with no
  release; PyPI names are compared PEP 503-normalised.

Versions are compared in the ecosystem's own order (:mod:`~kubeguard.engines.vulns.ranges`).
Withdrawn advisories and "not affected" entries never match. When two advisories describe the
same vulnerability for the same package (a PYSEC record and its GHSA alias, an OSV ``DSA``
record and the tracker's CVE), the first is reported and the other is folded into its aliases.

Severity comes from CVSS first (the highest version with a score: v3.x, then v2; record-level
and package-level vectors alike), then from the distribution's or database's own rating
(Debian urgency, GHSA severity). With neither, the finding is rated medium and says so.

Each finding is a FAIL of the ``image`` layer on ``Image/<reference or digest>``; its control id
is the vulnerability id, its location the package database the package was read from, and its
evidence the package, the installed and fixed versions, the aliases, the CVSS vector and score,
and the layer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kubeguard.engines.vulns.ranges import KeyCache, evaluate
from kubeguard.engines.vulns.versions import Ecosystem
from kubeguard.model import (
    ControlId,
    Evidence,
    Finding,
    Layer,
    ObjectKey,
    RuleInfo,
    Severity,
    SourceError,
    SourceLocation,
    Status,
    fingerprint,
)
from kubeguard.model.advisory import (
    AdvisoryFeed,
    AdvisoryMatch,
    AffectedState,
    ScoreType,
    SeverityScore,
    normalise_name,
    normalise_release,
)
from kubeguard.model.image import Distro, ImageInventory, Package, PackageType

#: Keys of :attr:`Finding.extra` that later stages (``--ignore-unfixed``, VEX) read.
EXTRA_FIXED_VERSION = "fixed_version"
EXTRA_PURL = "purl"
EXTRA_ALIASES = "aliases"
EXTRA_IMAGE_DIGEST = "image_digest"
EXTRA_IMAGE_ID = "image_id"
#: Rating of a vulnerability that has no CVSS score and no rating from its source.
UNRATED = Severity.MEDIUM

REMEDIATION = (
    "Upgrade the package to the fixed version (rebuild the image on an updated base image for "
    "OS packages). Without a fix, remove the package or record why it does not apply in a VEX "
    "document."
)

_DISTRO_ECOSYSTEMS = {
    "debian": Ecosystem.DEBIAN,
    "ubuntu": Ecosystem.UBUNTU,
    "alpine": Ecosystem.ALPINE,
    "wolfi": Ecosystem.WOLFI,
    "chainguard": Ecosystem.CHAINGUARD,
    "amzn": Ecosystem.AMAZON_LINUX,
    "rhel": Ecosystem.RED_HAT,
    "centos": Ecosystem.RED_HAT,
    "almalinux": Ecosystem.ALMALINUX,
    "rocky": Ecosystem.ROCKY_LINUX,
}
_PACKAGE_TYPES = {
    Ecosystem.DEBIAN: PackageType.DEB,
    Ecosystem.UBUNTU: PackageType.DEB,
    Ecosystem.ALPINE: PackageType.APK,
    Ecosystem.WOLFI: PackageType.APK,
    Ecosystem.CHAINGUARD: PackageType.APK,
    Ecosystem.AMAZON_LINUX: PackageType.RPM,
    Ecosystem.RED_HAT: PackageType.RPM,
    Ecosystem.ALMALINUX: PackageType.RPM,
    Ecosystem.ROCKY_LINUX: PackageType.RPM,
}
_LANGUAGE_ECOSYSTEMS = {
    PackageType.PYPI: Ecosystem.PYPI,
    PackageType.NPM: Ecosystem.NPM,
    PackageType.GOLANG: Ecosystem.GO,
    PackageType.MAVEN: Ecosystem.MAVEN,
}
_SCORE_PREFERENCE = (ScoreType.CVSS_V3, ScoreType.CVSS_V2)


def distro_ecosystem(distro: Distro | None) -> tuple[Ecosystem, str] | None:
    """The ecosystem and release of a distribution's packages, ``None`` if kubeguard has none."""
    if distro is None:
        return None
    for name in (distro.id, *distro.id_like):
        ecosystem = _DISTRO_ECOSYSTEMS.get(name.lower())
        if ecosystem is not None:
            release = distro.version_id or distro.version_codename or ""
            return ecosystem, normalise_release(ecosystem.value, release)
    return None


def package_key(
    package: Package, distro: tuple[Ecosystem, str] | None
) -> tuple[Ecosystem, str, str] | None:
    """``(ecosystem, release, name)`` the advisories of ``package`` are indexed under."""
    if package.type.is_os:
        if distro is None or _PACKAGE_TYPES.get(distro[0]) is not package.type:
            return None
        return distro[0], distro[1], package.match_name
    ecosystem = _LANGUAGE_ECOSYSTEMS.get(package.type)
    if ecosystem is None:
        return None
    return ecosystem, "", normalise_name(ecosystem.value, package.name)


def compared_version(package: Package) -> str:
    """The version advisories speak of: the source version for dpkg (binNMUs add ``+bN``)."""
    if package.type is PackageType.DEB and package.source_version:
        return package.source_version
    return package.version


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One vulnerability in one package."""

    package: Package
    match: AdvisoryMatch
    fixed_version: str | None
    severity: Severity
    rating: SeverityScore | None
    """The rating the severity comes from; ``None`` when unrated."""
    aliases: tuple[str, ...]
    """The advisory's aliases plus the ids of advisories folded into this one."""


@dataclass(frozen=True, slots=True)
class ImageMatch:
    """What matching one image gave."""

    findings: list[Finding]
    rules: dict[str, RuleInfo]
    vulnerabilities: list[Vulnerability]
    problems: list[SourceError] = field(default_factory=list)
    """Versions that could not be ordered, and the like; the rest was matched."""
    packages: int = 0
    """Packages looked up (those with an ecosystem kubeguard matches)."""
    candidates: int = 0
    """Advisory entries evaluated against an installed version."""


def match_image(
    inventory: ImageInventory, feed: AdvisoryFeed, *, name: str | None = None
) -> ImageMatch:
    """Match every package of ``inventory``; ``name`` names the image in findings."""
    image_name = name or (inventory.tags[0] if inventory.tags else inventory.key)
    distro = distro_ecosystem(inventory.distro)
    wanted: dict[tuple[Ecosystem, str], dict[str, list[Package]]] = defaultdict(
        lambda: defaultdict(list)
    )
    looked_up = 0
    for package in inventory.packages:
        key = package_key(package, distro)
        if key is not None:
            looked_up += 1
            wanted[(key[0], key[1])][key[2]].append(package)
    vulnerabilities: list[Vulnerability] = []
    problems: list[SourceError] = []
    candidates = 0
    for (ecosystem, release), by_name in wanted.items():
        keys = KeyCache(ecosystem.scheme)
        found = feed.advisories_for(ecosystem.value, release, list(by_name))
        for match_name, packages in by_name.items():
            entries = found.get(match_name, ())
            for package in packages:
                candidates += len(entries)
                vulnerabilities.extend(_package_vulnerabilities(package, entries, keys, problems))
    findings = [_finding(v, inventory, image_name) for v in vulnerabilities]
    return ImageMatch(
        findings=findings,
        rules=_rules(vulnerabilities),
        vulnerabilities=vulnerabilities,
        problems=problems,
        packages=looked_up,
        candidates=candidates,
    )


def _package_vulnerabilities(
    package: Package,
    entries: Sequence[AdvisoryMatch],
    keys: KeyCache,
    problems: list[SourceError],
) -> Iterable[Vulnerability]:
    version = compared_version(package)
    if entries and keys.key(version) is None:
        problems.append(
            SourceError(
                f"{package.name}: version {version!r} is not a valid {keys.scheme} version; "
                "only advisories that list it one by one were matched",
                location=SourceLocation(package.path),
            )
        )
    reported: dict[str, Vulnerability] = {}
    for match in sorted(entries, key=_preference):
        advisory, entry = match.advisory, match.affected
        if advisory.withdrawn or entry.state is AffectedState.NOT_AFFECTED:
            continue
        verdict = evaluate(entry, version, keys)
        if not verdict.affected:
            continue
        ids = (advisory.id, *advisory.aliases)
        earlier = next((reported[i] for i in ids if i in reported), None)
        if earlier is not None:
            merged = tuple(
                dict.fromkeys(
                    (*earlier.aliases, *(i for i in ids if i != earlier.match.advisory.id))
                )
            )
            folded = _replace_aliases(earlier, merged)
            for i in (earlier.match.advisory.id, *merged):
                reported[i] = folded
            continue
        severity, rating = rate(match)
        vulnerability = Vulnerability(
            package, match, verdict.fixed, severity, rating, advisory.aliases
        )
        for i in ids:
            reported[i] = vulnerability
    yield from {id(v): v for v in reported.values()}.values()


def _replace_aliases(vulnerability: Vulnerability, aliases: tuple[str, ...]) -> Vulnerability:
    return Vulnerability(
        vulnerability.package,
        vulnerability.match,
        vulnerability.fixed_version,
        vulnerability.severity,
        vulnerability.rating,
        aliases,
    )


def _preference(match: AdvisoryMatch) -> tuple[int, str]:
    """Distribution feeds first for their own packages, then by id for a stable order."""
    return (0 if match.advisory.origin != "osv" else 1, match.advisory.id)


def rate(match: AdvisoryMatch) -> tuple[Severity, SeverityScore | None]:
    """The severity of a match and the rating it comes from (see the module documentation)."""
    ratings = (*match.affected.severity, *match.advisory.severity)
    for kind in _SCORE_PREFERENCE:
        scored = [r for r in ratings if r.type is kind and r.score is not None and r.severity]
        if scored:
            best = max(scored, key=lambda r: r.score or 0.0)
            return best.severity or UNRATED, best
    words = [r for r in ratings if r.type is ScoreType.DISTRO and r.severity is not None]
    if words:
        best = max(words, key=lambda r: r.severity.rank if r.severity else 0)
        return best.severity or UNRATED, best
    return UNRATED, None


def _finding(vulnerability: Vulnerability, inventory: ImageInventory, image_name: str) -> Finding:
    package = vulnerability.package
    advisory = vulnerability.match.advisory
    resource = ObjectKey("", "Image", None, image_name)
    aliases = vulnerability.aliases
    cves = [alias for alias in aliases if alias.startswith("CVE-")]
    fixed = vulnerability.fixed_version
    note = vulnerability.match.affected.note
    named = f"{advisory.id} ({', '.join(cves)})" if cves else advisory.id
    remedy = f"fixed in {fixed}" if fixed else "no fix available" + (f" ({note})" if note else "")
    rating = vulnerability.rating
    evidence = [
        Evidence(("package", "name"), package.name),
        Evidence(("package", "installed"), package.version),
        Evidence(("package", "fixed"), fixed),
        Evidence(("package", "purl"), package.purl),
        Evidence(("vulnerability", "aliases"), list(aliases)),
        Evidence(("image", "layer"), package.layer),
        Evidence(("image", "path"), package.path),
    ]
    if rating is not None:
        evidence.append(Evidence(("severity", rating.type.value.lower()), rating.vector))
        if rating.score is not None:
            evidence.append(Evidence(("severity", "score"), rating.score))
    extra = {
        "vulnerability": advisory.id,
        EXTRA_ALIASES: ",".join(aliases),
        "package": package.name,
        "installed_version": package.version,
        EXTRA_FIXED_VERSION: fixed or "",
        "ecosystem": vulnerability.match.affected.ecosystem,
        EXTRA_PURL: package.purl,
        "layer": package.layer,
        "path": package.path,
        "severity_source": rating.type.value if rating else "none (rated medium)",
        EXTRA_IMAGE_DIGEST: inventory.digest or "",
        EXTRA_IMAGE_ID: inventory.config_digest,
    }
    if rating is not None:
        extra["severity_vector"] = rating.vector
        if rating.score is not None:
            extra["cvss_score"] = f"{rating.score:.1f}"
    if note:
        extra["distro_note"] = note
    return Finding(
        control_id=ControlId(advisory.id),
        layer=Layer.IMAGE,
        severity=vulnerability.severity,
        status=Status.FAIL,
        resource=resource,
        message=f"{package.name} {package.version} is affected by {named}; {remedy}",
        location=SourceLocation(package.path),
        evidence=tuple(evidence),
        fingerprint=fingerprint(
            advisory.id, resource, f"{package.type.value}/{package.name}@{package.version}"
        ),
        extra=extra,
    )


def _rules(vulnerabilities: Iterable[Vulnerability]) -> dict[str, RuleInfo]:
    rules: dict[str, RuleInfo] = {}
    for vulnerability in vulnerabilities:
        advisory = vulnerability.match.advisory
        known = rules.get(advisory.id)
        if known is not None and known.severity.rank >= vulnerability.severity.rank:
            continue
        aliases = tuple(
            dict.fromkeys(
                (*(known.refs.get("aliases", ()) if known else ()), *vulnerability.aliases)
            )
        )
        rules[advisory.id] = RuleInfo(
            id=ControlId(advisory.id),
            title=advisory.summary or advisory.id,
            layer=Layer.IMAGE,
            severity=vulnerability.severity,
            summary=advisory.summary,
            remediation=REMEDIATION,
            refs={"aliases": aliases} if aliases else {},
        )
    return rules
