"""Layers applied in order with whiteouts, and every local image format kubeguard reads."""

from __future__ import annotations

import json

import pytest

from kubeguard.model import SourceError
from kubeguard.model.image import (
    ImageInventory,
    Platform,
    inventory_as_dict,
    inventory_from_dict,
)
from kubeguard.sources.images import read_image
from kubeguard.sources.images.layers import normalise_entry
from tests.images.builders import (
    OCI_INDEX,
    Directory,
    Image,
    Symlink,
    docker_archive,
    dpkg_status,
    layer,
    npm_package,
    os_release,
    python_metadata,
    sha256,
    tar_bytes,
    tar_folder,
    write_layout,
)
from tests.images.helpers import inventory_of

SITE = "usr/lib/python3/site-packages"


def names(inventory: ImageInventory) -> list[str]:
    return sorted(p.name for p in inventory.packages)


def deb_names(inventory: ImageInventory) -> str:
    return ",".join(p.name for p in inventory.packages if p.type == "deb")


def test_an_upper_layer_replaces_a_lower_file(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {"var/lib/dpkg/status": dpkg_status([("old", "1", None)])},
            {"var/lib/dpkg/status": dpkg_status([("new", "2", None)])},
        ],
    )
    assert names(inventory) == ["new"]


def test_whiteout_deletes_a_file_and_a_folder_of_lower_layers(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                f"{SITE}/requests-2.31.0.dist-info/METADATA": python_metadata("requests", "2.31.0"),
                f"{SITE}/six-1.16.0.dist-info/METADATA": python_metadata("six", "1.16.0"),
                "app/node_modules/lodash/package.json": npm_package("lodash", "4.17.21"),
            },
            {
                f"{SITE}/.wh.requests-2.31.0.dist-info": b"",
                "app/node_modules/lodash/.wh.package.json": b"",
            },
        ],
    )
    assert names(inventory) == ["six"]


def test_opaque_directory_hides_lower_contents_but_keeps_its_own(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "app/node_modules/lodash/package.json": npm_package("lodash", "4.17.20"),
                "app/node_modules/express/package.json": npm_package("express", "4.18.2"),
                "srv/node_modules/kept/package.json": npm_package("kept", "1.0.0"),
            },
            {
                "app/node_modules/.wh..wh..opq": b"",
                "app/node_modules/lodash/package.json": npm_package("lodash", "4.17.21"),
            },
        ],
    )
    assert sorted((p.name, p.version) for p in inventory.packages) == [
        ("kept", "1.0.0"),
        ("lodash", "4.17.21"),
    ]


def test_whiteouts_never_delete_files_of_their_own_layer(tmp_path):
    # The whiteout comes after the file in the tar, yet it applies to lower layers only.
    inventory = inventory_of(
        tmp_path,
        [
            {"app/node_modules/a/package.json": npm_package("a", "1.0.0")},
            {
                "app/node_modules/a/package.json": npm_package("a", "2.0.0"),
                "app/node_modules/.wh..wh..opq": b"",
                "app/node_modules/.wh.a": b"",
            },
        ],
    )
    assert [(p.name, p.version) for p in inventory.packages] == [("a", "2.0.0")]


def test_a_symlink_or_folder_over_a_lower_file_replaces_it(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "var/lib/dpkg/status": dpkg_status([("a", "1", None)]),
                "lib/apk/db/installed": "P:musl\nV:1.2.4-r2\n",
            },
            {"var/lib/dpkg/status": Symlink("/etc/passwd"), "lib/apk/db/installed": Directory()},
        ],
    )
    assert inventory.packages == ()


def test_a_whiteout_of_a_deleted_then_recreated_folder(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {"var/lib/dpkg/status": dpkg_status([("a", "1", None)])},
            {"var/lib/.wh.dpkg": b""},
            {"var/lib/dpkg/status": dpkg_status([("b", "1", None)])},
        ],
    )
    assert names(inventory) == ["b"]


@pytest.mark.parametrize("compression", ["gzip", "zstd", None])
def test_gzip_zstd_and_plain_layers(tmp_path, compression):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "./etc/os-release": os_release("debian", "12"),
                "/var/lib/dpkg/status": dpkg_status([("a", "1", None)]),
            }
        ],
        compression=compression,
    )
    assert names(inventory) == ["a"]
    assert inventory.problems == ()
    assert inventory.distro is not None


def test_entry_names_are_normalised_against_the_root():
    assert normalise_entry("./etc//os-release") == "/etc/os-release"
    assert normalise_entry("/usr/../etc/os-release") == "/etc/os-release"
    assert normalise_entry("../etc/passwd") is None
    assert normalise_entry("a/../../etc/passwd") is None


def base_image(*, variant: str | None = None, arch: str = "amd64", package: str = "a") -> Image:
    return Image(
        [
            layer(
                {
                    "etc/os-release": os_release("debian", "12"),
                    "var/lib/dpkg/status": dpkg_status([(package, "1.0", None)]),
                }
            ),
            layer(
                {f"{SITE}/flask-3.0.0.dist-info/METADATA": python_metadata("flask", "3.0.0")},
                "zstd",
            ),
        ],
        architecture=arch,
        variant=variant,
        config_extra={
            "config": {"User": "app", "Labels": {"team": "shop"}, "ExposedPorts": {"8080/tcp": {}}}
        },
    )


def test_oci_layout_folder_gives_digest_config_and_layers(tmp_path):
    image = base_image()
    inventory = read_image(str(write_layout(tmp_path / "layout", [(image, "1.4")])))
    assert inventory.digest == image.digest
    assert inventory.config_digest == sha256(image.config)
    assert [layer.digest for layer in inventory.layers] == [layer.digest for layer in image.layers]
    assert [layer.diff_id for layer in inventory.layers] == [
        layer.diff_id for layer in image.layers
    ]
    assert inventory.platform == Platform("linux", "amd64")
    assert (
        inventory.config.user,
        dict(inventory.config.labels),
        inventory.config.exposed_ports,
    ) == (
        "app",
        {"team": "shop"},
        ("8080/tcp",),
    )
    assert inventory.tags == ("1.4",)
    assert names(inventory) == ["a", "flask"]


def test_oci_layout_tar_and_tag_selection(tmp_path):
    first, second = base_image(package="first"), base_image(package="second")
    folder = write_layout(tmp_path / "layout", [(first, "1.0"), (second, "2.0")])
    archive = tar_folder(folder, tmp_path / "layout.tar")
    assert deb_names(read_image(f"{archive}:2.0")) == "second"
    assert deb_names(read_image(f"{folder}:1.0")) == "first"
    with pytest.raises(
        SourceError, match=r"holds 2 images; name one as PATH:TAG \(tags: 1.0, 2.0\)"
    ):
        read_image(str(archive))
    with pytest.raises(SourceError, match=r"no image tagged '3\.0'"):
        read_image(f"{archive}:3.0")


def test_multi_arch_index_and_platform_choice(tmp_path):
    amd64, arm64 = (
        base_image(package="on-amd64"),
        base_image(arch="arm64", variant="v8", package="on-arm64"),
    )
    folder = write_layout(tmp_path / "layout", [(amd64, None), (arm64, None)], nested_index=True)
    assert deb_names(read_image(str(folder))) == "on-amd64"
    arm = read_image(str(folder), platform=Platform("linux", "arm64"))
    assert deb_names(arm) == "on-arm64"
    assert arm.platform == Platform("linux", "arm64", "v8")
    assert arm.digest == arm64.digest
    assert (
        deb_names(read_image(str(folder), platform=Platform("linux", "arm64", "v8"))) == "on-arm64"
    )
    with pytest.raises(
        SourceError,
        match=r"no image for platform linux/s390x .*available: linux/amd64, linux/arm64/v8",
    ):
        read_image(str(folder), platform=Platform("linux", "s390x"))


def test_attestation_manifests_in_an_index_are_not_images(tmp_path):
    image = base_image()
    attestation = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + "0" * 64,
        "size": 10,
        "platform": {"os": "unknown", "architecture": "unknown"},
        "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
    }
    folder = write_layout(tmp_path / "layout", [(image, None)])
    from tests.images.builders import index_of

    index = index_of([image], extra=[attestation])
    (folder / "blobs" / "sha256" / sha256(index).removeprefix("sha256:")).write_bytes(index)
    (folder / "index.json").write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "manifests": [
                    {"mediaType": OCI_INDEX, "digest": sha256(index), "size": len(index)}
                ],
            }
        )
    )
    assert read_image(str(folder)).digest == image.digest


def test_legacy_docker_archive_with_linked_layers(tmp_path):
    image = base_image()
    inventory = read_image(str(docker_archive(tmp_path / "app.tar", image, tags=["shop/api:1.4"])))
    assert inventory.problems == ()
    assert inventory.digest is None
    assert inventory.key == inventory.config_digest == sha256(image.config)
    assert inventory.tags == ("shop/api:1.4",)
    assert [layer.diff_id for layer in inventory.layers] == [
        layer.diff_id for layer in image.layers
    ]
    assert names(inventory) == ["a", "flask"]


def test_docker_25_archive_is_read_as_an_oci_layout(tmp_path):
    image = base_image()
    folder = write_layout(tmp_path / "layout", [(image, "shop/api:1.4")])
    (folder / "manifest.json").write_text(
        json.dumps(
            [
                {
                    "Config": "blobs/sha256/" + sha256(image.config).removeprefix("sha256:"),
                    "RepoTags": ["shop/api:1.4"],
                    "Layers": [
                        "blobs/sha256/" + layer.digest.removeprefix("sha256:")
                        for layer in image.layers
                    ],
                }
            ]
        )
    )
    inventory = read_image(str(tar_folder(folder, tmp_path / "docker25.tar")))
    assert inventory.digest == image.digest
    assert names(inventory) == ["a", "flask"]


def test_inventory_round_trips_through_its_json_form(tmp_path):
    inventory = read_image(str(write_layout(tmp_path / "layout", [(base_image(), "1.4")])))
    data = json.loads(json.dumps(inventory_as_dict(inventory)))
    again = inventory_from_dict(data)
    assert again.packages == inventory.packages
    assert (again.digest, again.config_digest, again.platform, again.distro, again.layers) == (
        inventory.digest,
        inventory.config_digest,
        inventory.platform,
        inventory.distro,
        inventory.layers,
    )
    assert again.config == inventory.config


def test_a_folder_that_is_no_image(tmp_path):
    (tmp_path / "stuff").mkdir()
    with pytest.raises(
        SourceError, match=r"neither an OCI image layout \(index.json\) nor a docker archive"
    ):
        read_image(str(tmp_path / "stuff"))


def test_a_tar_that_is_no_image(tmp_path):
    (tmp_path / "files.tar").write_bytes(tar_bytes({"hello.txt": "hi"}))
    with pytest.raises(SourceError, match="neither an OCI image layout"):
        read_image(str(tmp_path / "files.tar"))


def test_missing_paths_are_not_taken_for_docker_hub_images(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        read_image(str(tmp_path / "missing.tar"))
    with pytest.raises(SourceError, match="no such file or folder"):
        read_image("./app.tar")
    with pytest.raises(SourceError, match="neither a file, a folder nor a valid image reference"):
        read_image("UPPER CASE:!!")
