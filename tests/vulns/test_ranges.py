import pytest

from kubeguard.engines.vulns.ranges import KeyCache, evaluate
from kubeguard.engines.vulns.versions import VersionScheme
from kubeguard.model.advisory import RangeType
from tests.vulns.helpers import ecosystem_range, entry

PEP440 = KeyCache(VersionScheme.PEP440)

# PYSEC-2018-104 (oslo-middleware), events as the record writes them: out of order.
OSLO = entry(
    "PyPI",
    "oslo-middleware",
    ecosystem_range(
        ("introduced", "3.9.0"),
        ("fixed", "3.19.1"),
        ("introduced", "0"),
        ("fixed", "3.8.1"),
        ("introduced", "3.20.0"),
        ("fixed", "3.23.1"),
    ),
)


@pytest.mark.parametrize(
    ("version", "affected", "fixed"),
    [
        ("0.1.0", True, "3.8.1"),
        ("3.8.0", True, "3.8.1"),
        ("3.8.1", False, None),
        ("3.8.5", False, None),
        ("3.9.0", True, "3.19.1"),
        ("3.19.0", True, "3.19.1"),
        ("3.19.1", False, None),
        ("3.20.0", True, "3.23.1"),
        ("3.23.1", False, None),
        ("4.0.0", False, None),
    ],
)
def test_unsorted_events_follow_version_order(version, affected, fixed):
    verdict = evaluate(OSLO, version, PEP440)
    assert (verdict.affected, verdict.fixed) == (affected, fixed)


def test_last_affected_includes_its_version_and_offers_no_fix():
    last = entry("PyPI", "x", ecosystem_range(("introduced", "1.0"), ("last_affected", "1.4")))
    assert evaluate(last, "1.4", PEP440).affected
    assert evaluate(last, "1.4", PEP440).fixed is None
    assert not evaluate(last, "1.4.1", PEP440).affected
    assert not evaluate(last, "0.9", PEP440).affected


def test_limit_caps_a_range():
    limited = entry("PyPI", "x", ecosystem_range(("introduced", "0"), ("limit", "2.0")))
    assert evaluate(limited, "1.9", PEP440).affected
    assert not evaluate(limited, "2.0", PEP440).affected
    unlimited = entry("PyPI", "x", ecosystem_range(("introduced", "0"), ("limit", "*")))
    assert evaluate(unlimited, "99", PEP440).affected


def test_pep440_equality_not_string_equality():
    fixed = entry("PyPI", "x", ecosystem_range(("introduced", "0"), ("fixed", "2.0")))
    assert not evaluate(fixed, "2.0.0", PEP440).affected
    assert evaluate(fixed, "2.0rc1", PEP440).affected


def test_versions_list_counts_and_git_ranges_only_through_it():
    listed = entry(
        "PyPI",
        "x",
        ecosystem_range(("introduced", "0"), ("fixed", "abc123"), kind=RangeType.GIT),
        versions=["1.0", "1.1"],
    )
    assert evaluate(listed, "1.1", PEP440).affected
    assert not evaluate(listed, "1.2", PEP440).affected


def test_listed_version_takes_the_fix_of_the_ranges():
    both = entry(
        "PyPI", "x", ecosystem_range(("introduced", "2.0"), ("fixed", "2.5")), versions=["1.0"]
    )
    verdict = evaluate(both, "1.0", PEP440)
    assert (verdict.affected, verdict.fixed) == (True, "2.5")


def test_go_events_get_their_v_back():
    go = KeyCache(VersionScheme.GO)
    module = entry(
        "Go",
        "golang.org/x/net",
        ecosystem_range(("introduced", "0"), ("fixed", "0.17.0"), kind=RangeType.SEMVER),
    )
    assert evaluate(module, "v0.16.0", go).affected
    assert evaluate(module, "v0.16.0", go).fixed == "v0.17.0"
    assert not evaluate(module, "v0.17.0", go).affected
    assert evaluate(module, "v0.0.0-20230101000000-abcdefabcdef", go).affected


def test_unparseable_bounds_and_versions_match_nothing_by_range():
    broken = entry("PyPI", "x", ecosystem_range(("introduced", "0"), ("fixed", "not a version!")))
    assert not evaluate(broken, "1.0", PEP440).affected
    fixed = entry("PyPI", "x", ecosystem_range(("introduced", "0"), ("fixed", "2.0")))
    assert not evaluate(fixed, "garbage version", PEP440).affected


def test_dpkg_epochs_and_backports():
    dpkg = KeyCache(VersionScheme.DPKG)
    debian = entry(
        "Debian", "sope", ecosystem_range(("introduced", "0"), ("fixed", "5.8.0-1+deb12u1"))
    )
    assert evaluate(debian, "5.8.0-1", dpkg).affected
    assert not evaluate(debian, "5.8.0-1+deb12u1", dpkg).affected
    assert not evaluate(debian, "1:1.0-1", dpkg).affected  # an epoch outranks everything
