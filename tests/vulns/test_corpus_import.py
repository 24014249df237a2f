"""Import every real advisory of the shared corpus, then check counts and records by hand."""

from pathlib import Path

import pytest

from kubeguard.engines.vulns.matcher import match_image
from kubeguard.model.advisory import AffectedState
from kubeguard.model.image import Distro, PackageType
from kubeguard.sources.advisories import AdvisoryDatabase
from kubeguard.vulnerability_db import import_paths
from tests.conftest import corpus_dir
from tests.vulns.helpers import inventory, package

#: Every record of the PyPI corpus (SOURCES.md: 2,661 advisories, 10 withdrawn).
PYPI_RECORDS = 2661
#: Alpine: unique CVE (and XSA) ids over the four secdb files; Debian tracker: CVEs with releases.
ALPINE_IDS = 2104
DEBIAN_IDS = 6


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "vulnerability.db"
    with AdvisoryDatabase(path) as opened:
        report = import_paths(opened, [str(corpus_dir("osv")), str(corpus_dir("secdb"))])
        yield opened, report


def test_counts(database):
    opened, report = database
    status = opened.status()
    assert [source.advisories for source in report.sources] == [PYPI_RECORDS, 4021]
    assert status.advisories == PYPI_RECORDS + ALPINE_IDS + DEBIAN_IDS
    assert status.withdrawn == 10
    assert status.by_ecosystem == {"Alpine": 4306, "Debian": 25, "PyPI": 2661}
    # prototypejs CVE-2007-2383 in four releases: fixed_version "0".
    assert status.not_affected == 4
    assert status.problems == len(report.problems) == 13
    assert {source.location for source in status.sources} == {
        str(Path(corpus_dir("osv")).resolve()),
        str(Path(corpus_dir("secdb")).resolve()),
    }
    assert status.built_at is not None


def test_problems_name_the_file_and_the_record(database):
    _, report = database
    lines = [str(problem) for problem in report.problems]
    assert any(
        "binderhub/PYSEC-2021-371.yaml: PYSEC-2021-371:" in line and "'0.2.0-n653'" in line
        for line in lines
    )
    assert any("steam/PYSEC-2019-125.yaml: PYSEC-2019-125:" in line for line in lines)
    assert sum("Alpine xen" in line and "'4.10-1-r1'" in line for line in lines) == 6


def test_oslo_middleware_ranges_by_hand(database):
    opened, _ = database
    (match,) = opened.advisories_for("PyPI", "", ["oslo-middleware"])["oslo-middleware"]
    assert match.advisory.id == "PYSEC-2018-104"
    assert match.advisory.aliases == ("CVE-2017-2592", "GHSA-xcp8-hh74-f6mc")
    (affected_range,) = match.affected.ranges
    assert [(e.kind.value, e.version) for e in affected_range.events] == [
        ("introduced", "3.9.0"),
        ("fixed", "3.19.1"),
        ("introduced", "0"),
        ("fixed", "3.8.1"),
        ("introduced", "3.20.0"),
        ("fixed", "3.23.1"),
    ]
    assert len(match.affected.versions) == 46


def test_skywalking_cvss_score_by_hand(database):
    opened, _ = database
    result = match_image(inventory([package("apache-skywalking", "1.0.1")]), opened)
    (finding,) = result.findings
    assert finding.control_id == "PYSEC-2020-342"
    assert finding.extra["cvss_score"] == "9.8"
    assert finding.severity.value == "critical"
    assert finding.extra["fixed_version"] == ""  # introduced 0, never fixed


def test_alpine_and_debian_records_by_hand(database):
    opened, _ = database
    ansible = opened.advisories_for("Alpine", "v3.10", ["ansible"])["ansible"]
    fixes = {m.advisory.id: m.affected.ranges[0].events[-1].version for m in ansible}
    assert fixes["CVE-2019-10206"] == "2.8.4-r0"
    assert fixes["CVE-2018-10875"] == "2.6.3-r0"
    alpine = match_image(
        inventory(
            [package("ansible", "2.8.3-r0", PackageType.APK, source_name="ansible")],
            Distro("alpine", "3.10.9"),
        ),
        opened,
    )
    assert {f.control_id for f in alpine.findings} == {"CVE-2019-10206", "CVE-2019-10217"}

    prototype = opened.advisories_for("Debian", "10", ["prototypejs"])["prototypejs"]
    states = {m.advisory.id: m.affected.state for m in prototype}
    assert states == {
        "CVE-2008-7220": AffectedState.AFFECTED,
        "CVE-2007-2383": AffectedState.NOT_AFFECTED,
    }
    chromium = opened.advisories_for("Debian", "10", ["chromium"])["chromium"]
    (open_entry,) = chromium
    assert open_entry.affected.note == "end-of-life"
    assert [e.kind.value for e in open_entry.affected.ranges[0].events] == ["introduced"]
