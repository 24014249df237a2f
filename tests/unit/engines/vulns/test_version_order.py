"""Hand-picked cases of each scheme's order and validity, beyond what the shared corpus covers.

Each case names the rule it pins down. The expected answers come from the reference tools
(``dpkg --compare-versions``, ``rpmvercmp``, apk-tools, ``golang.org/x/mod/semver``,
node-semver, ``Gem::Version``, Maven's ``ComparableVersion``), checked against them where the
tool was at hand.
"""

from __future__ import annotations

import pytest

from kubeguard.engines.vulns.versions import (
    InvalidVersionError,
    VersionScheme,
    dpkg,
    go,
    rpm,
    rubygems,
)

DPKG, RPM, APK, PEP440 = (
    VersionScheme.DPKG,
    VersionScheme.RPM,
    VersionScheme.APK,
    VersionScheme.PEP440,
)
SEMVER, NPM, GO, MAVEN, GEM = (
    VersionScheme.SEMVER,
    VersionScheme.NPM,
    VersionScheme.GO,
    VersionScheme.MAVEN,
    VersionScheme.RUBYGEMS,
)

ORDER_CASES = [
    # dpkg: ~ before everything, even the end; letters before other characters.
    (DPKG, "1.0~rc1", "1.0", -1),
    (DPKG, "1.0~~", "1.0~", -1),
    (DPKG, "1.0", "1.0+b1", -1),
    (DPKG, "1.0a", "1.0+", -1),
    (DPKG, "1.0-1", "1.0-1ubuntu1", -1),
    (DPKG, "1.09", "1.9", 0),
    (DPKG, "2.30-1", "2.4-1", 1),
    (DPKG, "1:0.1", "9.9", 1),
    (DPKG, "0", "0:0-0", 0),
    (DPKG, " 1.0 ", "1.0", 0),
    (DPKG, "+1:2", "1:2", 0),  # the epoch goes through strtol, which takes a sign
    (DPKG, "1.2-3+deb12u1", "1.2-3", 1),
    (DPKG, "a-0", "b-0", -1),  # dpkg only warns about a version not starting with a digit
    # rpm: separators are all alike; ^ after the end, ~ before; a number beats letters.
    (RPM, "1.0^", "1.0", 1),
    (RPM, "1.0^git1", "1.0^git2", -1),
    (RPM, "1.0^git1", "1.01", -1),
    (RPM, "1.0^20160101", "1.0.1", -1),
    (RPM, "1.0^20160101^git1", "1.0^20160101", 1),
    (RPM, "1.0~rc1^git1", "1.0~rc1", 1),
    (RPM, "1.0^git1~pre", "1.0^git1", -1),
    (RPM, "1.0~rc1", "1.0^", -1),
    (RPM, "1_0", "1+0", 0),
    (RPM, "1.0é", "1.0", 0),  # non-ASCII characters separate, as bytes do in rpm
    (RPM, "1:1.0-1", "2.0-1", 1),
    (RPM, "0:1.0-1", "1.0-1", 0),
    (RPM, "1.0-1.el9", "1.0-1.el9_2", -1),
    (RPM, "1.0", "1.0-~1", -1),  # a missing release sorts before any release
    (RPM, "1.0-~1", "1.0-", -1),
    (RPM, "a:1", "a.1", 0),  # not an epoch: the colon is a separator
    (RPM, ":1.0", "0:1.0", 0),
    # apk: suffix order, the letter, leading zeros as strings, the revision last.
    (APK, "1.0_alpha1", "1.0_beta", -1),
    (APK, "1.0_rc9", "1.0", -1),
    (APK, "1.0", "1.0_p1", -1),
    (APK, "1.0_cvs", "1.0_svn", -1),
    (APK, "1.0_git20240101", "1.0_hg", -1),
    (APK, "1.0", "1.0a", -1),
    (APK, "1.0z", "1.0.1", -1),
    (APK, "1.01", "1.1", -1),
    (APK, "1.001", "1.01", -1),
    (APK, "01.0", "1.0", 0),  # the first number is always numeric
    (APK, "1.0-r1", "1.0-r10", -1),
    (APK, "1.0-r1", "1.0_p0", -1),
    (APK, "1.0~abc-r1", "1.0~abd", -1),
    (APK, "1.0", "1.0bc", -1),  # malformed after "1.0b": apk stops there
    (APK, "1.0bc", "1.0bd", 0),
    # PEP 440, through packaging.
    (PEP440, "1.0.dev0", "1.0a1", -1),
    (PEP440, "1.0rc1", "1.0", -1),
    (PEP440, "1.0", "1.0.post1", -1),
    (PEP440, "1.0+local", "1.0", 1),
    (PEP440, "1!0.1", "2.0", 1),
    (PEP440, "1.0", "1.0.0", 0),
    (PEP440, "1.0c1", "1.0rc1", 0),
    # SemVer §11.
    (SEMVER, "1.0.0-alpha", "1.0.0-alpha.1", -1),
    (SEMVER, "1.0.0-alpha.1", "1.0.0-alpha.beta", -1),
    (SEMVER, "1.0.0-beta.2", "1.0.0-beta.11", -1),
    (SEMVER, "1.0.0-rc.1", "1.0.0", -1),
    (SEMVER, "1.0.0+build.1", "1.0.0+build.2", 0),
    (SEMVER, "1.0.0-1a", "1.0.0-10", 1),  # digits followed by a letter are alphanumeric
    (SEMVER, "18446744073709551616.0.0", "18446744073709551615.0.0", 1),
    # npm: node-semver's loose reading.
    (NPM, "v1.2.3", "1.2.3", 0),
    (NPM, " = v 1.2.3 ", "1.2.3", 0),
    (NPM, "1.2.3beta", "1.2.3-beta", 0),
    (NPM, "01.02.03", "1.2.3", 0),
    (NPM, "1.2.3-01", "1.2.3-1", 0),
    (NPM, "\ufeff1.2.3", "1.2.3", 0),  # JavaScript's trim removes a byte-order mark
    # Go: shorthands, +incompatible, pseudo-versions, invalid strings lowest.
    (GO, "v1", "v1.0.0", 0),
    (GO, "v1.2", "v1.2.0", 0),
    (GO, "v2.0.0+incompatible", "v2.0.0", 0),
    (GO, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0", -1),
    (GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1),
    (GO, "v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre", 1),
    (GO, "1.2.3", "v0.0.1", -1),
    (GO, "1.2.3", "garbage", 0),
    (GO, "v1.2-pre", "v0.0.0", -1),  # a shorthand cannot carry a pre-release
    # Maven ComparableVersion.
    (MAVEN, "1.0-alpha-1", "1.0-beta-1", -1),
    (MAVEN, "1.0-rc1", "1.0-cr1", 0),
    (MAVEN, "1.0-SNAPSHOT", "1.0", -1),
    (MAVEN, "1.0", "1.0-ga", 0),
    (MAVEN, "1.0.0.Final", "1", 0),
    (MAVEN, "1.0", "1.0-sp1", -1),
    (MAVEN, "1.0-sp1", "1.0.1", -1),
    (MAVEN, "1-1", "1.1", -1),
    (MAVEN, "1.0-a1", "1.0-alpha-1", 0),
    (MAVEN, "1.0-foo", "1.0-bar", 1),
    (MAVEN, "1.0-foo", "1.0", 1),  # unknown qualifiers sort after a release
    (MAVEN, "1.0.RC2", "1.0-RC3", -1),
    (MAVEN, "1.0-RC3", "1.0.1", -1),
    (MAVEN, "2.0.0-RC1", "2.0.0.RC1", 0),
    (MAVEN, "1.É", "1.é", 0),
    # RubyGems Gem::Version.
    (GEM, "1.0.a", "1.0", -1),
    (GEM, "1.0", "1.0.1", -1),
    (GEM, "1", "1.0.0", 0),
    (GEM, "1.0.a", "1.a", 0),
    (GEM, "1.0.0-rc1", "1.0.0.pre.rc1", 0),
    (GEM, "1.0.0-rc1", "1.0.0", -1),
    (GEM, "1.0.b1", "1.0.a2", 1),
    (GEM, "1.0.B", "1.0.a", -1),  # strings compare as bytes
    (GEM, "1.0.0.1", "1.0.a", 1),
    (GEM, "1.a.0.1", "1.a", 1),
    (GEM, "1.a.0.b", "1.a", -1),  # a string after zeros loses to the missing, zero, segment
    (GEM, "", "0", 0),
    (GEM, " 1.2 ", "1.2", 0),
]


@pytest.mark.parametrize(("scheme", "a", "b", "expected"), ORDER_CASES)
def test_order(scheme: VersionScheme, a: str, b: str, expected: int) -> None:
    assert scheme.compare(a, b) == expected
    assert scheme.compare(b, a) == -expected
    key_a, key_b = scheme.sort_key(a), scheme.sort_key(b)
    assert (key_a > key_b) - (key_a < key_b) == expected


INVALID_CASES = [
    (DPKG, ""),
    (DPKG, "   "),
    (DPKG, "1.0 1"),
    (DPKG, "a:1.0"),
    (DPKG, ":1.0"),
    (DPKG, "-1:1.0"),
    (DPKG, "2147483648:1"),
    (DPKG, "1:"),
    (DPKG, "1.0-"),
    (DPKG, "-1"),
    (DPKG, "1.0é"),
    (RPM, ""),
    (PEP440, "1.0-foo-bar"),
    (PEP440, "latest"),
    (SEMVER, "v1.2.3"),
    (SEMVER, "1.2"),
    (SEMVER, "01.2.3"),
    (SEMVER, "1.2.3-01"),
    (SEMVER, "1.2.3-"),
    (SEMVER, "1.2.3+"),
    (SEMVER, "1.2.3\n"),
    (SEMVER, "\uff11.2.3"),  # fullwidth digit
    (NPM, "1.2"),
    (NPM, "9007199254740992.0.0"),
    (NPM, "1.2.3" + "-a" * 130),
    (NPM, "1.2.3-\u0661"),  # an Arabic-Indic digit is not a digit to JavaScript
    (MAVEN, "1" * 257),
    (MAVEN, "a\u0668_1"),  # Integer.parseInt on "\u0668_1" throws in Maven
    (GEM, "1.0-"),
    (GEM, "1..0"),
    (GEM, "a.1"),
    (GEM, "1.0 beta"),
]


@pytest.mark.parametrize(("scheme", "text"), INVALID_CASES)
def test_invalid_versions_raise_the_one_error(scheme: VersionScheme, text: str) -> None:
    assert not scheme.is_valid(text)
    with pytest.raises(InvalidVersionError) as raised:
        scheme.sort_key(text)
    assert raised.value.scheme == scheme.value
    assert raised.value.text == text
    assert str(raised.value).startswith(f"invalid {scheme.value} version ")


def test_dpkg_lenient_accepts_what_dpkg_version_perl_accepts() -> None:
    assert dpkg.compare("1.0-", "1.0-0", lenient=True) == 0
    assert dpkg.compare("-0.6.5", "0.9.1", lenient=True) == -1
    assert dpkg.is_valid("1.0-", lenient=True)
    assert not dpkg.is_valid("1.0-")
    assert not dpkg.is_valid("", lenient=True)


def test_rpm_vercmp_alone_treats_the_hyphen_as_a_separator() -> None:
    assert rpm.vercmp("1.0", "1.0-1") == -1
    assert rpm.vercmp("1.0-1", "1.0.1") == 0
    assert rpm.compare("1.0-1", "1.0.1") == -1
    assert rpm.is_valid("anything goes")


@pytest.mark.parametrize(
    ("text", "valid", "pseudo"),
    [
        ("v0.0.0-20191109021931-daa7c04131f5", True, True),
        ("v1.2.4-0.20191109021931-daa7c04131f5", True, True),
        ("v1.2.3-pre.0.20191109021931-daa7c04131f5+incompatible", True, True),
        ("v1.2.3-20191109021931-daa7c04131f5", True, False),  # needs 0.0 or a ".0." before the time
        ("v0.0.0-2019110902193-daa7c04131f5", True, False),  # 13 digits
        ("v1.2.3", True, False),
        ("v1.2.3.4", False, False),
        ("v01.2.3", False, False),
        ("1.2.3", False, False),
        ("v1.0.0+" + "x" * 1024, False, False),  # over the length limit
    ],
)
def test_go_validity_and_pseudo_versions(text: str, valid: bool, pseudo: bool) -> None:
    assert go.is_valid(text) is valid
    assert go.is_pseudo_version(text) is pseudo


def test_go_versions_from_osv_get_their_v_back() -> None:
    assert go.from_osv("1.2.3") == "v1.2.3"
    assert go.from_osv("v1.2.3") == "v1.2.3"
    assert go.compare(go.from_osv("1.20.5"), "v1.20.4") == 1


@pytest.mark.parametrize(
    ("text", "prerelease"),
    [("1.0", False), ("1.0.a", True), ("1.0-1", True), ("1.0.0.rc1", True)],
)
def test_rubygems_prerelease(text: str, prerelease: bool) -> None:
    assert rubygems.is_prerelease(text) is prerelease
