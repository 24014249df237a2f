"""The scheme dispatch, the OSV ecosystem map, the Version wrapper and hostile input."""

from __future__ import annotations

import pytest

from kubeguard.engines.vulns.versions import (
    MAX_VERSION_LENGTH,
    Ecosystem,
    InvalidVersionError,
    Version,
    VersionScheme,
    scheme_for_ecosystem,
)
from kubeguard.model.errors import KubeguardError

#: For every scheme, three versions in ascending order, written in that scheme's syntax.
ASCENDING = {
    VersionScheme.DPKG: ("1:1.0~rc1-1", "1:1.0-1", "1:1.0-1+deb12u1"),
    VersionScheme.RPM: ("1.0~rc1-1.el9", "1.0-1.el9", "1.0^git1-1.el9"),
    VersionScheme.APK: ("1.0_rc1-r0", "1.0-r0", "1.0_p1-r0"),
    VersionScheme.PEP440: ("1.0rc1", "1.0", "1.0.post1"),
    VersionScheme.SEMVER: ("1.0.0-rc.1", "1.0.0", "1.0.1"),
    VersionScheme.NPM: ("v1.0.0-rc.1", "=1.0.0", "1.0.1"),
    VersionScheme.GO: (
        "v1.0.0-20191109021931-daa7c04131f5",
        "v1.0.0",
        "v1.0.1-0.20191109021931-daa7c04131f5",
    ),
    VersionScheme.MAVEN: ("1.0-RC1", "1.0", "1.0-sp1"),
    VersionScheme.RUBYGEMS: ("1.0.rc1", "1.0", "1.0.1"),
}


def test_every_scheme_dispatches_to_a_comparator_that_orders_its_syntax() -> None:
    assert set(ASCENDING) == set(VersionScheme)
    for scheme in VersionScheme:
        low, middle, high = ASCENDING[scheme]
        assert scheme.compare(low, middle) == -1, scheme
        assert scheme.compare(high, middle) == 1, scheme
        assert scheme.compare(middle, middle) == 0, scheme
        assert scheme.sort_key(low) < scheme.sort_key(middle) < scheme.sort_key(high), scheme
        assert all(scheme.is_valid(text) for text in (low, middle, high)), scheme
        assert sorted([high, low, middle], key=scheme.sort_key) == [low, middle, high]


def test_every_ecosystem_maps_to_a_scheme() -> None:
    expected = {
        Ecosystem.DEBIAN: VersionScheme.DPKG,
        Ecosystem.UBUNTU: VersionScheme.DPKG,
        Ecosystem.ALPINE: VersionScheme.APK,
        Ecosystem.WOLFI: VersionScheme.APK,
        Ecosystem.CHAINGUARD: VersionScheme.APK,
        Ecosystem.RED_HAT: VersionScheme.RPM,
        Ecosystem.ALMALINUX: VersionScheme.RPM,
        Ecosystem.ROCKY_LINUX: VersionScheme.RPM,
        Ecosystem.AMAZON_LINUX: VersionScheme.RPM,
        Ecosystem.SUSE: VersionScheme.RPM,
        Ecosystem.OPENSUSE: VersionScheme.RPM,
        Ecosystem.AZURE_LINUX: VersionScheme.RPM,
        Ecosystem.PYPI: VersionScheme.PEP440,
        Ecosystem.NPM: VersionScheme.NPM,
        Ecosystem.GO: VersionScheme.GO,
        Ecosystem.MAVEN: VersionScheme.MAVEN,
        Ecosystem.RUBYGEMS: VersionScheme.RUBYGEMS,
        Ecosystem.CRATES_IO: VersionScheme.SEMVER,
    }
    assert set(expected) == set(Ecosystem)
    for ecosystem in Ecosystem:
        assert ecosystem.scheme is expected[ecosystem]


@pytest.mark.parametrize(
    ("osv", "scheme"),
    [
        ("Debian:12", VersionScheme.DPKG),
        ("Ubuntu:Pro:18.04:LTS", VersionScheme.DPKG),
        ("Alpine:v3.19", VersionScheme.APK),
        ("Red Hat:enterprise_linux:9::appstream", VersionScheme.RPM),
        ("Rocky Linux:9", VersionScheme.RPM),
        ("Maven:https://repo.example.org/maven2", VersionScheme.MAVEN),
        ("PyPI", VersionScheme.PEP440),
        ("crates.io", VersionScheme.SEMVER),
        ("NuGet", None),
        ("pypi", None),  # OSV ecosystem names are case-sensitive
        ("", None),
        (None, None),
    ],
)
def test_osv_ecosystem_strings(osv: str, scheme: VersionScheme | None) -> None:
    assert scheme_for_ecosystem(osv) is scheme


def test_versions_order_within_a_scheme_and_refuse_to_mix() -> None:
    low, high = VersionScheme.DPKG.parse("1.0~rc1"), VersionScheme.DPKG.parse("1.0")
    assert low < high
    assert high >= low
    assert VersionScheme.DPKG.parse("1.09") == VersionScheme.DPKG.parse("1.9")
    assert len({VersionScheme.DPKG.parse("1.09"), VersionScheme.DPKG.parse("1.9")}) == 1
    assert VersionScheme.RPM.parse("1.0") != VersionScheme.DPKG.parse("1.0")
    assert VersionScheme.DPKG.parse("1.0") != "1.0"
    with pytest.raises(TypeError, match="cannot order a rpm version against a dpkg version"):
        _ = VersionScheme.RPM.parse("1.0") < VersionScheme.DPKG.parse("1.0")
    assert repr(low) == "Version(scheme=<VersionScheme.DPKG: 'dpkg'>, text='1.0~rc1')"
    assert isinstance(low, Version)


def test_maven_keys_hash_alike_when_equal() -> None:
    pairs = [
        ("1", "1.0.0-ga"),
        ("1.0-rc1", "1.0-CR-1"),
        ("1-0", "1.0.0"),
        ("1.ga", "1"),
        ("1.0-a1", "1-alpha-1"),
    ]
    for a, b in pairs:
        key_a, key_b = VersionScheme.MAVEN.sort_key(a), VersionScheme.MAVEN.sort_key(b)
        assert key_a == key_b, (a, b)
        assert hash(key_a) == hash(key_b), (a, b)


HOSTILE = [
    None,
    123,
    1.0,
    b"1.0",
    ["1.0"],
    "",
    " ",
    "\x00",
    "1.0\x00",
    "\ud800",  # a lone surrogate, as os.fsdecode may produce
    "1.0\n",
    "\u0661.\u0662.\u0663",
    "\U0001d7e4.0",
    "v" * (MAX_VERSION_LENGTH + 1),
    "1" * (MAX_VERSION_LENGTH + 1),
    "1." * 500 + "1",
    "1-" * 128,
    "-" * 200,
    "~^:" * 100,
]


@pytest.mark.parametrize("scheme", list(VersionScheme))
@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: repr(value)[:24])
def test_hostile_input_gives_an_answer_or_the_one_error(
    scheme: VersionScheme, value: object
) -> None:
    try:
        key = scheme.sort_key(value)  # type: ignore[arg-type]
    except InvalidVersionError:
        assert not scheme.is_valid(value)  # type: ignore[arg-type]
        with pytest.raises(InvalidVersionError):
            scheme.compare(value, "1.0")  # type: ignore[arg-type]
        return
    hash(key)
    assert scheme.compare(value, value) == 0  # type: ignore[arg-type]
    assert isinstance(scheme.is_valid(value), bool)  # type: ignore[arg-type]


def test_the_version_error_is_a_kubeguard_error() -> None:
    assert issubclass(InvalidVersionError, KubeguardError)


@pytest.mark.parametrize("scheme", list(VersionScheme))
def test_non_strings_and_overlong_strings_are_rejected_by_every_scheme(
    scheme: VersionScheme,
) -> None:
    for value in (None, 1, b"1.0", "1" * (MAX_VERSION_LENGTH + 1)):
        with pytest.raises(InvalidVersionError):
            scheme.sort_key(value)  # type: ignore[arg-type]
        assert scheme.is_valid(value) is False  # type: ignore[arg-type]
