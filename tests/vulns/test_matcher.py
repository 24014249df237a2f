import pytest

from kubeguard.engines.vulns.matcher import UNRATED, distro_ecosystem, match_image
from kubeguard.engines.vulns.versions import Ecosystem
from kubeguard.model import Layer, ObjectKey, Severity, Status
from kubeguard.model.advisory import Advisory, AffectedState, ScoreType, SeverityScore
from kubeguard.model.image import Distro, PackageType
from tests.vulns.helpers import FakeFeed, ecosystem_range, entry, inventory, package

DEBIAN_12 = Distro("debian", "12", version_codename="bookworm")
CVSS_HIGH = SeverityScore(
    ScoreType.CVSS_V3, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 8.1, Severity.HIGH
)
BEFORE_2 = ecosystem_range(("introduced", "0"), ("fixed", "2.0"))


@pytest.mark.parametrize(
    ("distro", "expected"),
    [
        (Distro("debian", "12"), (Ecosystem.DEBIAN, "12")),
        (Distro("debian", None, version_codename="trixie"), (Ecosystem.DEBIAN, "13")),
        (Distro("ubuntu", "22.04"), (Ecosystem.UBUNTU, "22.04")),
        (Distro("alpine", "3.19.1"), (Ecosystem.ALPINE, "v3.19")),
        (Distro("amzn", "2023"), (Ecosystem.AMAZON_LINUX, "2023")),
        (Distro("rhel", "9.3"), (Ecosystem.RED_HAT, "9")),
        (Distro("ol", "9.3", id_like=("fedora", "rhel")), (Ecosystem.RED_HAT, "9")),
        (Distro("rocky", "9.3"), (Ecosystem.ROCKY_LINUX, "9")),
        (Distro("gentoo", "2.14"), None),
        (None, None),
    ],
)
def test_distribution_to_ecosystem_and_release(distro, expected):
    assert distro_ecosystem(distro) == expected


def test_debian_packages_match_by_source_name_and_source_version():
    advisory = Advisory(
        "CVE-2025-53603",
        affected=(
            entry(
                "Debian",
                "sope",
                ecosystem_range(("introduced", "0"), ("fixed", "5.8.0-1+deb12u1")),
                release="12",
            ),
        ),
        origin="debian-tracker",
    )
    feed = FakeFeed([advisory])
    binary = package(
        "libsope1",
        "5.8.0-1+b1",
        PackageType.DEB,
        source_name="sope",
        source_version="5.8.0-1",
        path="/var/lib/dpkg/status",
    )
    result = match_image(inventory([binary], DEBIAN_12), feed)
    assert feed.queries == [("Debian", "12", ("sope",))]
    assert [(f.control_id, f.extra["fixed_version"]) for f in result.findings] == [
        ("CVE-2025-53603", "5.8.0-1+deb12u1")
    ]


def test_other_releases_and_other_package_types_are_not_looked_up():
    feed = FakeFeed(
        [Advisory("CVE-1", affected=(entry("Debian", "sope", BEFORE_2, release="11"),))]
    )
    rpm = package("sope", "1.0", PackageType.RPM)
    deb = package("sope", "1.0", PackageType.DEB)
    result = match_image(inventory([rpm, deb], DEBIAN_12), feed)
    assert result.findings == []
    assert result.packages == 1  # the rpm has no ecosystem in a Debian image
    assert match_image(inventory([deb], None), feed).packages == 0


def test_finding_carries_everything_a_report_needs():
    advisory = Advisory(
        "PYSEC-2023-192",
        aliases=("CVE-2023-43804", "GHSA-v845-jxx5-vc9f"),
        summary="Cookie header leaks on cross-origin redirects",
        severity=(CVSS_HIGH,),
        affected=(
            entry("PyPI", "urllib3", ecosystem_range(("introduced", "0"), ("fixed", "1.26.17"))),
        ),
    )
    urllib3 = package("urllib3", "1.26.15", path="/site/urllib3-1.26.15.dist-info/METADATA")
    result = match_image(inventory([urllib3], tags=("shop/orders:1.14.0",)), FakeFeed([advisory]))
    (finding,) = result.findings
    assert finding.layer is Layer.IMAGE
    assert finding.status is Status.FAIL
    assert finding.severity is Severity.HIGH
    assert finding.resource == ObjectKey("", "Image", None, "shop/orders:1.14.0")
    assert finding.location is not None
    assert finding.location.path == "/site/urllib3-1.26.15.dist-info/METADATA"
    assert "CVE-2023-43804" in finding.message
    assert "fixed in 1.26.17" in finding.message
    evidence = {item.dotted: item.value for item in finding.evidence}
    assert evidence["package.installed"] == "1.26.15"
    assert evidence["package.fixed"] == "1.26.17"
    assert evidence["severity.score"] == 8.1
    assert evidence["severity.cvss_v3"] == CVSS_HIGH.vector
    assert evidence["image.layer"] == "sha256:" + "a" * 64
    assert finding.extra["aliases"] == "CVE-2023-43804,GHSA-v845-jxx5-vc9f"
    rule = result.rules["PYSEC-2023-192"]
    assert rule.title == advisory.summary
    assert rule.refs["aliases"] == ("CVE-2023-43804", "GHSA-v845-jxx5-vc9f")


def test_pypi_names_are_compared_normalised():
    feed = FakeFeed([Advisory("PYSEC-1", affected=(entry("PyPI", "zope-interface", BEFORE_2),))])
    result = match_image(inventory([package("Zope.Interface", "1.0")]), feed)
    assert [f.control_id for f in result.findings] == ["PYSEC-1"]


def test_aliases_fold_duplicate_advisories_into_one_finding():
    pysec = Advisory("PYSEC-1", aliases=("CVE-9",), affected=(entry("PyPI", "x", BEFORE_2),))
    ghsa = Advisory("GHSA-1", aliases=("CVE-9",), affected=(entry("PyPI", "x", BEFORE_2),))
    other = Advisory("PYSEC-2", affected=(entry("PyPI", "x", BEFORE_2),))
    result = match_image(inventory([package("x", "1.0")]), FakeFeed([pysec, ghsa, other]))
    assert sorted(f.control_id for f in result.findings) == ["GHSA-1", "PYSEC-2"]
    folded = next(f for f in result.findings if f.control_id == "GHSA-1")
    assert set(folded.extra["aliases"].split(",")) == {"CVE-9", "PYSEC-1"}


def test_withdrawn_and_not_affected_entries_never_match():
    withdrawn = Advisory(
        "PYSEC-W", withdrawn="2024-01-01T00:00:00Z", affected=(entry("PyPI", "x", BEFORE_2),)
    )
    quiet = Advisory(
        "CVE-Q", affected=(entry("PyPI", "x", BEFORE_2, state=AffectedState.NOT_AFFECTED),)
    )
    result = match_image(inventory([package("x", "1.0")]), FakeFeed([withdrawn, quiet]))
    assert result.findings == []
    assert result.candidates == 2


def test_severity_prefers_cvss_then_the_distro_word_then_medium():
    urgent = SeverityScore(ScoreType.DISTRO, "low", None, Severity.LOW)
    with_both = Advisory(
        "A", severity=(CVSS_HIGH,), affected=(entry("PyPI", "x", BEFORE_2, severity=(urgent,)),)
    )
    distro_only = Advisory("B", affected=(entry("PyPI", "x", BEFORE_2, severity=(urgent,)),))
    v4_only = Advisory(
        "C",
        severity=(SeverityScore(ScoreType.CVSS_V4, "CVSS:4.0/AV:N", None, None),),
        affected=(entry("PyPI", "x", BEFORE_2),),
    )
    result = match_image(
        inventory([package("x", "1.0")]), FakeFeed([with_both, distro_only, v4_only])
    )
    severities = {f.control_id: (f.severity, f.extra["severity_source"]) for f in result.findings}
    assert severities == {
        "A": (Severity.HIGH, "CVSS_V3"),
        "B": (Severity.LOW, "DISTRO"),
        "C": (UNRATED, "none (rated medium)"),
    }


def test_unfixed_entry_reports_no_fix_and_the_distro_note():
    unfixed = Advisory(
        "CVE-2022-0456",
        affected=(
            entry(
                "Debian",
                "chromium",
                ecosystem_range(("introduced", "0")),
                release="10",
                note="end-of-life",
            ),
        ),
    )
    chromium = package("chromium", "90.0-1", PackageType.DEB, path="/var/lib/dpkg/status")
    (finding,) = match_image(
        inventory([chromium], Distro("debian", "10")), FakeFeed([unfixed])
    ).findings
    assert finding.extra["fixed_version"] == ""
    assert finding.message.endswith("no fix available (end-of-life)")


def test_an_unordered_installed_version_is_a_problem_not_a_crash():
    feed = FakeFeed(
        [Advisory("PYSEC-1", affected=(entry("PyPI", "x", BEFORE_2, versions=["weird!"]),))]
    )
    result = match_image(inventory([package("x", "weird!")]), feed)
    assert [f.control_id for f in result.findings] == ["PYSEC-1"]  # listed one by one
    assert len(result.problems) == 1
    assert "not a valid pep440 version" in result.problems[0].message
