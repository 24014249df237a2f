"""Each cataloger on package data in its real format, read through a layer as an image would be."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from kubeguard.model.image import Distro, Package, PackageType
from kubeguard.sources.images.catalogers.golang import extract_buildinfo
from kubeguard.sources.images.catalogers.rpm_bdb import hash_values
from kubeguard.sources.images.catalogers.rpm_header import HeaderError, parse_header
from kubeguard.sources.images.limits import Limits
from tests.images.builders import (
    File,
    Image,
    apk_installed,
    berkeley_hash_db,
    dpkg_status,
    go_binary,
    jar,
    layer,
    npm_package,
    os_release,
    python_metadata,
    rpm_header,
    rpm_sqlite,
    write_layout,
)
from tests.images.helpers import inventory_of


def packages_of(tmp_path: Path, files: dict[str, object]) -> list[Package]:
    return list(inventory_of(tmp_path, [files]).packages)


def by_name(packages: list[Package]) -> dict[str, Package]:
    return {p.name: p for p in packages}


def test_os_release_gives_the_distro_and_etc_wins_over_usr_lib(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "usr/lib/os-release": os_release("alpine", "3.18.0"),
                "etc/os-release": 'ID="amzn"\nVERSION_ID="2023"\nID_LIKE="fedora"\n# comment\n',
            }
        ],
    )
    assert inventory.distro == Distro("amzn", "2023", None, ("fedora",), None)


def test_os_release_falls_back_to_usr_lib(tmp_path):
    inventory = inventory_of(tmp_path, [{"usr/lib/os-release": os_release("alpine", "3.19.1")}])
    assert inventory.distro is not None
    assert (inventory.distro.id, inventory.distro.version_id) == ("alpine", "3.19.1")


def test_dpkg_status_keeps_installed_packages_with_their_source(tmp_path):
    status = dpkg_status(
        [
            ("libssl3", "3.0.11-1~deb12u2", "openssl"),
            ("bsdutils", "1:2.38.1-5+b1", "util-linux (2.38.1-5)"),
        ]
    )
    removed = dpkg_status([("gone", "1.0", None)], status="deinstall ok config-files")
    packages = by_name(
        packages_of(
            tmp_path,
            {
                "etc/os-release": os_release("debian", "12"),
                "var/lib/dpkg/status": status + "\n" + removed,
            },
        )
    )
    assert set(packages) == {"libssl3", "bsdutils"}
    libssl = packages["libssl3"]
    assert (libssl.type, libssl.version, libssl.source_name, libssl.match_name) == (
        PackageType.DEB,
        "3.0.11-1~deb12u2",
        "openssl",
        "openssl",
    )
    assert (
        libssl.purl
        == "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl"
    )
    assert libssl.path == "/var/lib/dpkg/status"
    bsdutils = packages["bsdutils"]
    assert (bsdutils.source_name, bsdutils.source_version) == ("util-linux", "2.38.1-5")


def test_dpkg_status_d_of_distroless_images(tmp_path):
    paragraph = dpkg_status([("tzdata", "2024a-0+deb12u1", None)]).replace(
        "Status: install ok installed\n", ""
    )
    packages = packages_of(
        tmp_path,
        {
            "var/lib/dpkg/status.d/tzdata": paragraph,
            "var/lib/dpkg/status.d/tzdata.md5sums": "d41d8cd98f00b204e9800998ecf8427e  usr/share/zoneinfo/UTC\n",
        },
    )
    assert [(p.name, p.version, p.path) for p in packages] == [
        ("tzdata", "2024a-0+deb12u1", "/var/lib/dpkg/status.d/tzdata")
    ]


def test_apk_installed_with_origin_and_license(tmp_path):
    packages = packages_of(
        tmp_path,
        {
            "etc/os-release": os_release("alpine", "3.19.1"),
            "lib/apk/db/installed": apk_installed(
                [("libcrypto3", "3.1.4-r5", "openssl"), ("musl", "1.2.4_git20230717-r4", "musl")]
            ),
        },
    )
    libcrypto = by_name(packages)["libcrypto3"]
    assert (
        libcrypto.version,
        libcrypto.source_name,
        libcrypto.licenses,
        libcrypto.architecture,
    ) == (
        "3.1.4-r5",
        "openssl",
        ("MIT",),
        "x86_64",
    )
    assert (
        libcrypto.purl
        == "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl"
    )


def test_rpm_sqlite_database_of_amazon_linux_2023(tmp_path):
    blobs = [
        rpm_header(
            "openssl-libs",
            "3.0.8",
            "1.amzn2023.0.12",
            epoch=1,
            source_rpm="openssl-3.0.8-1.amzn2023.0.12.src.rpm",
        ),
        rpm_header(
            "bash",
            "5.2.15",
            "1.amzn2023.0.2",
            license="GPLv3+",
            source_rpm="bash-5.2.15-1.amzn2023.0.2.src.rpm",
        ),
        rpm_header("gpg-pubkey", "d832ab7f", "61a13a4f", arch="(none)"),
    ]
    packages = by_name(
        packages_of(
            tmp_path,
            {
                "etc/os-release": os_release("amzn", "2023"),
                "var/lib/rpm/rpmdb.sqlite": rpm_sqlite(blobs),
            },
        )
    )
    assert set(packages) == {"openssl-libs", "bash"}
    openssl = packages["openssl-libs"]
    assert openssl.version == "1:3.0.8-1.amzn2023.0.12"
    assert (openssl.source_name, openssl.source_version) == ("openssl", "3.0.8-1.amzn2023.0.12")
    assert openssl.purl.startswith(
        "pkg:rpm/amzn/openssl-libs@3.0.8-1.amzn2023.0.12?arch=x86_64&distro=amzn-2023&epoch=1"
    )
    assert packages["bash"].licenses == ("GPLv3+",)


def test_rpm_sqlite_in_wal_mode_is_read_from_memory(tmp_path):
    data = bytearray(rpm_sqlite([rpm_header("zlib", "1.2.11", "33.amzn2023.0.5")]))
    data[18:20] = b"\x02\x02"  # how rpm leaves a database in WAL journal mode
    packages = packages_of(tmp_path, {"usr/lib/sysimage/rpm/rpmdb.sqlite": bytes(data)})
    assert [(p.name, p.version) for p in packages] == [("zlib", "1.2.11-33.amzn2023.0.5")]


@pytest.mark.parametrize("big_endian", [False, True])
def test_rpm_berkeley_db_of_amazon_linux_2(tmp_path, big_endian):
    blobs = [
        rpm_header(f"pkg{n}", f"1.{n}", "1.amzn2", source_rpm=f"src{n}-1.{n}-1.amzn2.src.rpm")
        + b"\0" * (700 * n)
        for n in range(12)
    ]
    database = berkeley_hash_db(blobs, page_size=1024, big_endian=big_endian)
    packages = packages_of(
        tmp_path, {"etc/os-release": os_release("amzn", "2"), "var/lib/rpm/Packages": database}
    )
    assert sorted((p.name, p.version, p.source_name) for p in packages) == sorted(
        (f"pkg{n}", f"1.{n}-1.amzn2", f"src{n}") for n in range(12)
    )


@pytest.mark.skipif(
    shutil.which("db5.3_load") is None, reason="db5.3-util (db5.3_load) is not installed"
)
def test_rpm_berkeley_db_written_by_libdb_itself(tmp_path):
    """libdb's own db_load writes the hash database: the reader must agree with the real format."""
    blobs = [rpm_header(f"p{n}", f"2.{n}", "1.el7") + b"\0" * (250 * n) for n in range(1, 60)]
    lines = ["VERSION=3", "format=bytevalue", "type=hash", "db_pagesize=4096", "HEADER=END"]
    for key, blob in enumerate(blobs, start=1):
        lines += [" " + struct.pack("<I", key).hex(), " " + blob.hex()]
    lines.append("DATA=END")
    target = tmp_path / "Packages"
    subprocess.run(["db5.3_load", str(target)], input="\n".join(lines).encode() + b"\n", check=True)  # noqa: S603, S607
    values = list(hash_values(target.read_bytes()))
    assert sorted(values) == sorted(blobs)
    assert sorted(parse_header(v).name for v in values) == sorted(f"p{n}" for n in range(1, 60))


def test_rpm_header_errors_are_specific():
    blob = rpm_header("a", "1", "1")
    with pytest.raises(HeaderError, match="truncated"):
        parse_header(blob[:-5])
    with pytest.raises(HeaderError, match="implausible"):
        parse_header(struct.pack(">ii", 0x7FFFFFFF, 1) + blob[8:])


def test_a_corrupt_rpm_database_is_a_problem_not_a_crash(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "var/lib/rpm/rpmdb.sqlite": b"SQLite format 3\0" + b"\xff" * 2000,
                "var/lib/rpm/Packages": b"\0" * 4096,
            }
        ],
    )
    assert inventory.packages == ()
    messages = [str(p) for p in inventory.problems]
    assert any("rpmdb.sqlite" in m and "unreadable rpm database" in m for m in messages)
    assert any("/var/lib/rpm/Packages" in m and "no BerkeleyDB hash magic" in m for m in messages)


def test_python_dist_info_and_egg_info(tmp_path):
    site = "usr/local/lib/python3.12/site-packages"
    packages = by_name(
        packages_of(
            tmp_path,
            {
                f"{site}/Requests-2.31.0.dist-info/METADATA": python_metadata(
                    "Requests", "2.31.0", "Apache-2.0"
                ),
                f"{site}/six-1.16.0.egg-info/PKG-INFO": python_metadata("six", "1.16.0", None) + "",
                f"{site}/legacy.egg-info": python_metadata("legacy", "0.1", None),
                f"{site}/requests-2.31.0.dist-info/RECORD": "not metadata",
            },
        )
    )
    assert set(packages) == {"Requests", "six", "legacy"}
    requests = packages["Requests"]
    assert (requests.type, requests.version, requests.licenses) == (
        PackageType.PYPI,
        "2.31.0",
        ("Apache-2.0",),
    )
    assert requests.purl == "pkg:pypi/requests@2.31.0"


def test_python_license_from_classifier(tmp_path):
    metadata = (
        "Name: attrs\nVersion: 23.1.0\nClassifier: License :: OSI Approved :: MIT License\n\nbody\n"
    )
    packages = packages_of(
        tmp_path, {"usr/lib/python3/dist-packages/attrs-23.1.0.dist-info/METADATA": metadata}
    )
    assert packages[0].licenses == ("MIT License",)


def test_npm_package_roots_only(tmp_path):
    packages = packages_of(
        tmp_path,
        {
            "app/node_modules/lodash/package.json": npm_package("lodash", "4.17.21"),
            "app/node_modules/@babel/core/package.json": npm_package(
                "@babel/core", "7.23.0", "MIT"
            ),
            "app/node_modules/rxjs/ajax/package.json": npm_package("rxjs-ajax", "0.0.0"),
            "app/node_modules/broken/package.json": "{not json",
            "app/package.json": npm_package("my-app", "1.0.0"),
        },
    )
    assert sorted((p.name, p.version, p.purl) for p in packages) == [
        ("@babel/core", "7.23.0", "pkg:npm/%40babel/core@7.23.0"),
        ("lodash", "4.17.21", "pkg:npm/lodash@4.17.21"),
    ]


def test_npm_bad_json_is_reported(tmp_path):
    inventory = inventory_of(tmp_path, [{"app/node_modules/broken/package.json": "{not json"}])
    assert inventory.packages == ()
    assert "package.json is not JSON" in str(inventory.problems[0])


MODINFO = (
    "path\texample.com/app/cmd/server\n"
    "mod\texample.com/app\tv1.4.0\th1:aaa=\n"
    "dep\tgithub.com/pkg/errors\tv0.9.1\th1:bbb=\n"
    "=>\tgithub.com/pkg/errors\tv0.9.2\th1:ccc=\n"
    "dep\tgolang.org/x/net\tv0.17.0\th1:ddd=\n"
    "build\t-compiler=gc\n"
)


def test_go_binary_build_info(tmp_path):
    packages = packages_of(
        tmp_path, {"usr/local/bin/server": File(go_binary("go1.21.5", MODINFO), mode=0o755)}
    )
    assert sorted((p.name, p.version) for p in packages) == [
        ("example.com/app", "v1.4.0"),
        ("github.com/pkg/errors", "v0.9.2"),
        ("golang.org/x/net", "v0.17.0"),
        ("stdlib", "v1.21.5"),
    ]
    assert by_name(packages)["golang.org/x/net"].purl == "pkg:golang/golang.org/x/net@v0.17.0"
    assert all(p.path == "/usr/local/bin/server" for p in packages)


def test_go_build_info_found_after_padding_and_only_in_executables(tmp_path):
    binary = go_binary("go1.22.0", MODINFO, data_offset=0x40000, padding=48)
    packages = packages_of(
        tmp_path,
        {"bin/server": File(binary, mode=0o755), "data/not-executable": File(binary, mode=0o644)},
    )
    assert {p.path for p in packages} == {"/bin/server"}


def test_go_extractor_reads_a_bounded_prefix_only():
    binary = go_binary("go1.21.0", MODINFO, data_offset=0x1000)
    stream = io.BytesIO(binary + b"\0" * (4 * 1024 * 1024))
    assert extract_buildinfo(stream, len(stream.getvalue()), Limits()) is not None
    assert stream.tell() < 128 * 1024
    assert extract_buildinfo(io.BytesIO(b"#!/bin/sh\necho hi\n"), 18, Limits()) is None


@pytest.mark.skipif(shutil.which("go") is None, reason="no Go toolchain")
def test_go_binary_built_by_the_go_toolchain(tmp_path):
    """A real binary from ``go build``: the reader must agree with the real linker's output."""
    (tmp_path / "dep").mkdir()
    (tmp_path / "dep" / "go.mod").write_text("module example.com/dep\n\ngo 1.18\n")
    (tmp_path / "dep" / "dep.go").write_text('package dep\n\nfunc Hello() string { return "hi" }\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "go.mod").write_text(
        "module example.com/app\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep v1.2.3 => ../dep\n"
    )
    (tmp_path / "app" / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n)\n\nfunc main() { fmt.Println(dep.Hello()) }\n'
    )
    environment = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(tmp_path),
        "GOCACHE": str(tmp_path / "cache"),
        "GOPATH": str(tmp_path / "gopath"),
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "CGO_ENABLED": "0",
    }
    subprocess.run(  # noqa: S603
        [shutil.which("go") or "go", "build", "-o", str(tmp_path / "server"), "."],
        cwd=tmp_path / "app",
        env=environment,
        check=True,
        capture_output=True,
    )
    version = subprocess.run(  # noqa: S603
        [shutil.which("go") or "go", "env", "GOVERSION"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    packages = packages_of(
        tmp_path / "img", {"app/server": File((tmp_path / "server").read_bytes(), 0o755)}
    )
    # The dependency is replaced by a local folder, which is not a published module.
    assert [(p.name, p.version) for p in packages] == [("stdlib", "v" + version.removeprefix("go"))]


def test_java_pom_properties_including_nested_jars(tmp_path):
    inner = jar({"jackson": ("com.fasterxml.jackson.core", "jackson-databind", "2.15.2")})
    outer = jar(
        {"log4j": ("org.apache.logging.log4j", "log4j-core", "2.14.1")},
        nested={"BOOT-INF/lib/jackson-databind-2.15.2.jar": inner},
    )
    packages = packages_of(tmp_path, {"opt/app/app.jar": outer, "opt/app/readme.txt": "x"})
    assert sorted((p.name, p.version, p.purl) for p in packages) == [
        (
            "com.fasterxml.jackson.core:jackson-databind",
            "2.15.2",
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2",
        ),
        (
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        ),
    ]
    assert by_name(packages)["com.fasterxml.jackson.core:jackson-databind"].path == (
        "/opt/app/app.jar!/BOOT-INF/lib/jackson-databind-2.15.2.jar!/"
        "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties"
    )


def test_a_jar_that_is_not_a_zip_is_reported(tmp_path):
    inventory = inventory_of(tmp_path, [{"opt/broken.jar": b"PK\x03\x04 definitely not a zip"}])
    assert inventory.packages == ()
    assert "not a readable zip archive" in str(inventory.problems[0])
    assert "/opt/broken.jar" in str(inventory.problems[0])


def test_every_catalogers_packages_carry_the_layer_they_came_from(tmp_path):
    lower = layer(
        {
            "etc/os-release": os_release("debian", "12"),
            "var/lib/dpkg/status": dpkg_status([("a", "1", None)]),
        }
    )
    upper = layer({"app/node_modules/left-pad/package.json": npm_package("left-pad", "1.3.0")})
    from kubeguard.sources.images import read_image

    inventory = read_image(str(write_layout(tmp_path / "layout", [(Image([lower, upper]), None)])))
    assert {(p.name, p.layer) for p in inventory.packages} == {
        ("a", lower.digest),
        ("left-pad", upper.digest),
    }
