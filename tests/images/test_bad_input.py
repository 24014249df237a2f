"""Hostile and broken images: one clear problem each, nothing written, the rest still read."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest

from kubeguard.model import SourceError
from kubeguard.model.image import ImageInventory
from kubeguard.sources.images import Limits, read_image
from tests.images.builders import (
    LAYER_GZIP,
    Entry,
    File,
    Image,
    Layer,
    Symlink,
    docker_archive,
    dpkg_status,
    layer,
    npm_package,
    os_release,
    sha256,
    tar_bytes,
    write_layout,
)
from tests.images.helpers import inventory_of

GOOD = {
    "etc/os-release": os_release("debian", "12"),
    "var/lib/dpkg/status": dpkg_status([("kept", "1", None)]),
}


def noise(size: int) -> bytes:
    """Incompressible bytes, the same on every run."""
    out = b""
    seed = b"kubeguard"
    while len(out) < size:
        seed = hashlib.sha256(seed).digest()
        out += seed
    return out[:size]


def problems(inventory: ImageInventory) -> str:
    return "\n".join(str(p) for p in inventory.problems)


def snapshot(*folders: Path) -> set[str]:
    return {str(path) for folder in folders for path in folder.rglob("*")}


def test_traversal_entries_are_ignored_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = layer(
        {
            "../../escape.txt": "x",
            "a/../../../escape-too.txt": "x",
            "/etc/os-release": os_release("debian", "12"),
            "var/lib/dpkg/status": Symlink("../../../../../etc/shadow"),
            "etc/passwd-link": Symlink("/etc/passwd"),
        }
    )
    image = Image([layer(GOOD), hostile])
    layout = write_layout(tmp_path / "layout", [(image, None)])
    temp = Path(tempfile.gettempdir())
    before = snapshot(tmp_path)
    temp_before = set(os.listdir(temp))
    inventory = read_image(str(layout))
    assert snapshot(tmp_path) == before
    assert set(os.listdir(temp)) - temp_before == set()
    assert not any(Path(p, "escape.txt").exists() for p in (tmp_path, tmp_path.parent, Path("/")))
    text = problems(inventory)
    assert "entry '../../escape.txt' points outside the image root; ignored" in text
    assert "entry 'a/../../../escape-too.txt' points outside the image root; ignored" in text
    # The symlink replaced dpkg's status: it is not followed, so no package comes from the host.
    assert inventory.packages == ()
    assert inventory.distro is not None  # the absolute /etc/os-release is read as the image's own


def test_many_traversal_entries_are_summarised(tmp_path):
    entries = {f"../evil{n}": "x" for n in range(12)} | GOOD
    inventory = inventory_of(tmp_path, [entries], limits=Limits(max_noted_entries=3))
    assert len(inventory.problems) == 4
    assert "9 more entries point outside the image root" in problems(inventory)
    assert [p.name for p in inventory.packages] == ["kept"]


def test_a_layer_that_is_not_gzip_is_reported_and_the_others_are_read(tmp_path):
    not_gzip = b"\x1f\x8b" + noise(200)
    image = Image([layer(GOOD), Layer(not_gzip, sha256(b"never"), LAYER_GZIP)])
    inventory = read_image(str(write_layout(tmp_path / "layout", [(image, None)])))
    assert [p.name for p in inventory.packages] == ["kept"]
    assert len(inventory.problems) == 1
    assert f"layer {sha256(not_gzip)}: layer is not a readable tar" in problems(inventory)


def test_random_bytes_as_a_layer(tmp_path):
    garbage = noise(1500)
    image = Image(
        [Layer(garbage, sha256(b"x"), "application/vnd.oci.image.layer.v1.tar"), layer(GOOD)]
    )
    inventory = read_image(str(write_layout(tmp_path / "layout", [(image, None)])))
    assert [p.name for p in inventory.packages] == ["kept"]
    assert "layer is not a readable tar" in problems(inventory)


def test_a_truncated_layer_keeps_what_was_read_before_the_cut(tmp_path):
    full = layer(
        {"var/lib/dpkg/status": dpkg_status([("early", "1", None)]), "filler": noise(200_000)}
    )
    cut = Layer(full.blob[: len(full.blob) // 2], full.diff_id, LAYER_GZIP)
    inventory = read_image(str(write_layout(tmp_path / "layout", [(Image([cut]), None)])))
    assert [p.name for p in inventory.packages] == ["early"]
    assert "layer is not a readable tar" in problems(inventory)


def test_a_tampered_layer_fails_its_digest_check(tmp_path):
    good = layer(GOOD)
    image = Image([good])
    layout = write_layout(tmp_path / "layout", [(image, None)])
    blob = layout / "blobs" / "sha256" / good.digest.removeprefix("sha256:")
    raw = gzip.decompress(blob.read_bytes()).replace(b"kept", b"evil")
    blob.write_bytes(gzip.compress(raw, mtime=0))
    inventory = read_image(str(layout))
    assert "layer content does not match its digest" in problems(inventory)
    assert "uncompressed layer does not match the config's diff_id" in problems(inventory)


def test_a_missing_layer_blob_is_reported_and_the_others_are_read(tmp_path):
    missing = layer({"x": "y"})
    image = Image([layer(GOOD), missing])
    layout = write_layout(tmp_path / "layout", [(image, None)])
    (layout / "blobs" / "sha256" / missing.digest.removeprefix("sha256:")).unlink()
    inventory = read_image(str(layout))
    assert [p.name for p in inventory.packages] == ["kept"]
    assert f"layer {missing.digest}: layer not read: cannot read" in problems(inventory)


def test_decompression_bomb_stops_at_the_layer_limit(tmp_path):
    bomb = {
        "var/lib/dpkg/status": dpkg_status([("before", "1", None)]),
        "zeros": b"\0" * (8 * 1024 * 1024),
    }
    inventory = inventory_of(tmp_path, [bomb], limits=Limits(max_layer_bytes=1024 * 1024))
    assert "layer unpacks to more than 1048576 bytes (a decompression bomb?)" in problems(inventory)
    assert [p.name for p in inventory.packages] == ["before"]


def test_oversized_files_are_not_read_whole(tmp_path):
    huge_status = dpkg_status([("a", "1", None)]) + "X: " + "y" * 300_000 + "\n"
    inventory = inventory_of(
        tmp_path,
        [
            {
                "var/lib/dpkg/status": huge_status,
                "app/node_modules/x/package.json": npm_package("x", "1.0.0"),
            }
        ],
        limits=Limits(max_file_bytes=100_000),
    )
    assert "/var/lib/dpkg/status" in problems(inventory)
    assert "file is larger than 100000 bytes; not read" in problems(inventory)
    assert [p.name for p in inventory.packages] == ["x"]


def test_zip_bomb_inside_a_jar_is_bounded(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "META-INF/maven/g/a/pom.properties",
            "groupId=g\nartifactId=a\nversion=1\n" + "#" * 5_000_000,
        )
        archive.writestr(
            "META-INF/maven/g/b/pom.properties", "groupId=g\nartifactId=b\nversion=2\n"
        )
    big_jar = b"\0" * 2_000_000
    inventory = inventory_of(
        tmp_path,
        [{"app/bomb.jar": buffer.getvalue(), "app/big.jar": big_jar}],
        limits=Limits(max_member_bytes=64 * 1024, max_archive_bytes=1_000_000),
    )
    assert [(p.name, p.version) for p in inventory.packages] == [("g:b", "2")]
    assert "/app/big.jar" in problems(inventory)
    assert "archive is larger than 1000000 bytes; not read" in problems(inventory)


def test_truncated_archive_is_one_clear_error(tmp_path):
    archive = docker_archive(tmp_path / "app.tar", Image([layer(GOOD)]))
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 3])
    with pytest.raises(SourceError) as caught:
        read_image(str(archive))
    assert str(caught.value).startswith(str(archive))
    assert "not a readable tar archive" in str(caught.value) or "manifest.json" in str(caught.value)


def test_an_empty_file_is_not_an_image(tmp_path):
    (tmp_path / "empty.tar").write_bytes(b"")
    with pytest.raises(
        SourceError, match=r"not a readable tar archive|neither an OCI image layout"
    ):
        read_image(str(tmp_path / "empty.tar"))


def test_manifest_names_outside_the_image_folder_are_refused(tmp_path):
    (tmp_path / "secret.json").write_text('{"rootfs": {"diff_ids": []}}')
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "manifest.json").write_text('[{"Config": "../secret.json", "Layers": []}]')
    with pytest.raises(
        SourceError, match=r"the image names a file outside itself: '../secret.json'"
    ):
        read_image(str(folder))
    (folder / "manifest.json").write_text('[{"Config": "link.json", "Layers": []}]')
    (folder / "link.json").symlink_to(tmp_path / "secret.json")
    with pytest.raises(SourceError, match="resolves outside the image folder"):
        read_image(str(folder))


def test_links_in_an_archive_never_leave_it(tmp_path):
    entries: dict[str, Entry] = {
        "manifest.json": '[{"Config": "config.json", "Layers": ["layer.tar"]}]',
        "config.json": Symlink("/etc/passwd"),
        "layer.tar": tar_bytes({"etc/os-release": "ID=debian\n"}),
    }
    (tmp_path / "evil.tar").write_bytes(tar_bytes(entries))
    with pytest.raises(SourceError, match=r"the archive has no file config\.json"):
        read_image(str(tmp_path / "evil.tar"))


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("not json", "manifest.json is not JSON"),
        ("{}", "manifest.json is not a list of images"),
        ('[{"Config": 3}]', "manifest.json entry has no Config or Layers"),
    ],
)
def test_malformed_docker_manifest(tmp_path, manifest, message):
    (tmp_path / "bad.tar").write_bytes(tar_bytes({"manifest.json": manifest}))
    with pytest.raises(SourceError, match=message):
        read_image(str(tmp_path / "bad.tar"))


def test_malformed_oci_index(tmp_path):
    folder = tmp_path / "layout"
    folder.mkdir()
    (folder / "index.json").write_text('{"manifests": [{"digest": "sha256:../../etc/passwd"}]}')
    with pytest.raises(SourceError, match=re.escape("invalid digest 'sha256:../../etc/passwd'")):
        read_image(str(folder))
    (folder / "index.json").write_text("[]")
    with pytest.raises(SourceError, match=r"index\.json is not a JSON object"):
        read_image(str(folder))


def test_a_tampered_configuration_is_refused(tmp_path):
    image = Image([layer(GOOD)])
    layout = write_layout(tmp_path / "layout", [(image, None)])
    (layout / "blobs" / "sha256" / sha256(image.config).removeprefix("sha256:")).write_bytes(b"{}")
    with pytest.raises(SourceError, match="does not match its digest"):
        read_image(str(layout))


def test_too_many_layers(tmp_path):
    image = Image([layer({f"f{n}": "x"}) for n in range(5)])
    with pytest.raises(SourceError, match="image has 5 layers, over the limit of 3"):
        read_image(
            str(write_layout(tmp_path / "layout", [(image, None)])), limits=Limits(max_layers=3)
        )


def test_executables_that_are_not_go_are_skipped_quietly(tmp_path):
    inventory = inventory_of(
        tmp_path,
        [
            {
                "bin/sh": File(b"\x7fELF" + noise(3000), 0o755),
                "bin/script": File(b"#!/bin/sh\n", 0o755),
            }
        ],
    )
    assert inventory.packages == ()
    assert inventory.problems == ()
