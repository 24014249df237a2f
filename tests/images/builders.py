"""Test images built in Python: layers, package databases in their real binary formats, layouts.

Everything is deterministic (mtime 0, sorted entries), so digests are stable across runs.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import struct
import tarfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- layers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Symlink:
    target: str


@dataclass(frozen=True)
class Directory:
    pass


@dataclass(frozen=True)
class File:
    data: bytes
    mode: int = 0o644


Entry = bytes | str | File | Symlink | Directory


def tar_bytes(entries: Mapping[str, Entry]) -> bytes:
    """An uncompressed tar of ``entries`` (name → content), in the given order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, entry in entries.items():
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if isinstance(entry, Symlink):
                info.type = tarfile.SYMTYPE
                info.linkname = entry.target
                tar.addfile(info)
            elif isinstance(entry, Directory):
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                file = (
                    entry
                    if isinstance(entry, File)
                    else File(entry.encode() if isinstance(entry, str) else entry)
                )
                info.size = len(file.data)
                info.mode = file.mode
                tar.addfile(info, io.BytesIO(file.data))
    return buffer.getvalue()


@dataclass(frozen=True)
class Layer:
    """A layer blob with what the manifest and config say about it."""

    blob: bytes
    diff_id: str
    media_type: str

    @property
    def digest(self) -> str:
        return sha256(self.blob)


def layer(entries: Mapping[str, Entry], compression: str | None = "gzip") -> Layer:
    """A layer of ``entries``, gzip (default), zstd or plain."""
    raw = tar_bytes(entries)
    if compression == "gzip":
        return Layer(gzip.compress(raw, mtime=0), sha256(raw), LAYER_GZIP)
    if compression == "zstd":
        return Layer(zstandard.ZstdCompressor().compress(raw), sha256(raw), LAYER_ZSTD)
    return Layer(raw, sha256(raw), LAYER_TAR)


# -- images -----------------------------------------------------------------------------------


@dataclass
class Image:
    """An image: its layers and configuration, serialisable to every format kubeguard reads."""

    layers: list[Layer]
    os: str = "linux"
    architecture: str = "amd64"
    variant: str | None = None
    config_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> bytes:
        document: dict[str, Any] = {
            "architecture": self.architecture,
            "os": self.os,
            "config": {"User": "1000", "Env": ["PATH=/usr/bin"], "Cmd": ["/app"]},
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in self.layers]},
            **self.config_extra,
        }
        if self.variant:
            document["variant"] = self.variant
        return json.dumps(document, sort_keys=True).encode()

    @property
    def manifest(self) -> bytes:
        return json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {
                    "mediaType": OCI_CONFIG,
                    "digest": sha256(self.config),
                    "size": len(self.config),
                },
                "layers": [
                    {"mediaType": layer.media_type, "digest": layer.digest, "size": len(layer.blob)}
                    for layer in self.layers
                ],
            },
            sort_keys=True,
        ).encode()

    @property
    def digest(self) -> str:
        return sha256(self.manifest)

    def platform(self) -> dict[str, str]:
        platform = {"os": self.os, "architecture": self.architecture}
        if self.variant:
            platform["variant"] = self.variant
        return platform

    def blobs(self) -> dict[str, bytes]:
        blobs = {sha256(self.config): self.config, self.digest: self.manifest}
        blobs.update({layer.digest: layer.blob for layer in self.layers})
        return blobs


def index_of(images: Sequence[Image], extra: Iterable[dict[str, Any]] = ()) -> bytes:
    """An OCI index of ``images`` (each with its platform)."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {
                    "mediaType": OCI_MANIFEST,
                    "digest": image.digest,
                    "size": len(image.manifest),
                    "platform": image.platform(),
                }
                for image in images
            ]
            + list(extra),
        },
        sort_keys=True,
    ).encode()


def write_layout(
    root: Path, entries: Sequence[tuple[Image, str | None]], nested_index: bool = False
) -> Path:
    """An OCI image layout folder holding ``entries`` (image, tag)."""
    blobs: dict[str, bytes] = {}
    manifests = []
    for image, tag in entries:
        blobs.update(image.blobs())
        descriptor: dict[str, Any] = {
            "mediaType": OCI_MANIFEST,
            "digest": image.digest,
            "size": len(image.manifest),
        }
        if tag:
            descriptor["annotations"] = {"org.opencontainers.image.ref.name": tag}
        manifests.append(descriptor)
    if nested_index:
        inner = index_of([image for image, _ in entries])
        blobs[sha256(inner)] = inner
        manifests = [{"mediaType": OCI_INDEX, "digest": sha256(inner), "size": len(inner)}]
    (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    for digest, data in blobs.items():
        (root / "blobs" / "sha256" / digest.removeprefix("sha256:")).write_bytes(data)
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": manifests}))
    return root


def tar_folder(folder: Path, target: Path) -> Path:
    """``folder``'s contents as a tar at ``target``."""
    with tarfile.open(target, "w") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return target


def docker_archive(target: Path, image: Image, tags: Sequence[str] = ("shop/api:1.4",)) -> Path:
    """A legacy ``docker save`` archive: ``<id>/layer.tar`` (uncompressed) and ``manifest.json``.

    Layers are stored uncompressed, as ``docker save`` does; skopeo-style links from
    ``<id>/layer.tar`` to ``<diff_id>.tar`` are used for the first layer.
    """
    entries: dict[str, Entry] = {}
    names = []
    for number, each in enumerate(image.layers):
        raw = _uncompressed(each)
        hex_id = each.diff_id.removeprefix("sha256:")
        if number == 0:
            entries[f"{hex_id}.tar"] = raw
            entries[f"{hex_id}/layer.tar"] = Symlink(f"../{hex_id}.tar")
        else:
            entries[f"{hex_id}/layer.tar"] = raw
        names.append(f"{hex_id}/layer.tar")
    config_name = sha256(image.config).removeprefix("sha256:") + ".json"
    entries[config_name] = image.config
    entries["manifest.json"] = json.dumps(
        [{"Config": config_name, "RepoTags": list(tags), "Layers": names}]
    )
    target.write_bytes(tar_bytes(entries))
    return target


def _uncompressed(each: Layer) -> bytes:
    if each.media_type == LAYER_GZIP:
        return gzip.decompress(each.blob)
    if each.media_type == LAYER_ZSTD:
        return zstandard.ZstdDecompressor().decompress(each.blob, max_output_size=1 << 30)
    return each.blob


# -- package databases ------------------------------------------------------------------------


def os_release(distro_id: str, version: str, pretty: str = "") -> str:
    return f'PRETTY_NAME="{pretty or distro_id + " " + version}"\nID={distro_id}\nVERSION_ID="{version}"\n'


def dpkg_status(
    packages: Iterable[tuple[str, str, str | None]], status: str = "install ok installed"
) -> str:
    """A dpkg status file of (name, version, source) packages."""
    paragraphs = []
    for name, version, source in packages:
        lines = [
            f"Package: {name}",
            f"Status: {status}",
            "Priority: optional",
            "Architecture: amd64",
        ]
        if source:
            lines.append(f"Source: {source}")
        lines += [f"Version: {version}", "Description: test package", " with a continuation line"]
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


def apk_installed(packages: Iterable[tuple[str, str, str]]) -> str:
    """An apk installed database of (name, version, origin) packages."""
    records = [
        f"C:Q1abcdefabcdefabcdefabcdefabcdefabc=\nP:{name}\nV:{version}\nA:x86_64\nS:1000\nI:4096\n"
        f"T:test package\nL:MIT\no:{origin}\nm:Someone <a@b.c>\nF:usr/bin\nR:{name}\n"
        for name, version, origin in packages
    ]
    return "\n".join(records) + "\n"


RPM_STRING, RPM_INT32, RPM_STRING_ARRAY, RPM_BIN = 6, 4, 8, 7


def rpm_header(
    name: str,
    version: str,
    release: str,
    *,
    epoch: int | None = None,
    arch: str = "x86_64",
    license: str = "MIT",
    source_rpm: str | None = None,
    vendor: str = "Amazon Linux",
) -> bytes:
    """An rpm header blob as rpm stores it in its database (with an immutable region entry)."""
    tags: list[tuple[int, int, bytes, int]] = []

    def string(tag: int, value: str) -> None:
        tags.append((tag, RPM_STRING, value.encode() + b"\0", 1))

    string(1000, name)
    string(1001, version)
    string(1002, release)
    if epoch is not None:
        tags.append((1003, RPM_INT32, struct.pack(">i", epoch), 1))
    string(1011, vendor)
    string(1014, license)
    string(1022, arch)
    tags.append((1117, RPM_STRING_ARRAY, b"libfoo.so.1\0README\0", 2))  # basenames, unused
    if source_rpm:
        string(1044, source_rpm)
    store = bytearray()
    index = bytearray()
    # Region tag 63 first, as rpm writes it: a 16-byte trailer in the data store.
    entries = [(63, RPM_BIN, b"\0" * 16, 16), *sorted(tags)]
    for tag, kind, data, count in entries:
        if kind == RPM_INT32:
            while len(store) % 4:
                store.append(0)
        index += struct.pack(">iiii", tag, kind, len(store), count)
        store += data
    return struct.pack(">ii", len(entries), len(store)) + bytes(index) + bytes(store)


def rpm_sqlite(blobs: Sequence[bytes]) -> bytes:
    """An rpmdb.sqlite with rpm's schema, serialised from memory."""
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"
    )
    connection.execute(
        "CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL)"
    )
    connection.executemany("INSERT INTO Packages (blob) VALUES (?)", [(blob,) for blob in blobs])
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def berkeley_hash_db(
    values: Sequence[bytes], page_size: int = 4096, big_endian: bool = False
) -> bytes:
    """A BerkeleyDB hash database whose values are stored off-page, as rpm's Packages file has them.

    Layout per libdb ``dbinc/db_page.h``: page 0 hash metadata, then one hash page holding
    key/value item pairs (keys inline, values as off-page references), then overflow chains.
    """
    order = ">" if big_endian else "<"
    pages: list[bytearray] = []

    def header(
        number: int, kind: int, entries: int = 0, next_page: int = 0, high: int = 0
    ) -> bytearray:
        page = bytearray(page_size)
        struct.pack_into(order + "IIIHHBB", page, 8, number, 0, next_page, entries, high, 0, kind)
        page[25] = kind
        return page

    meta = bytearray(page_size)
    struct.pack_into(order + "I", meta, 12, 0x061561)
    struct.pack_into(order + "I", meta, 16, 9)  # version
    struct.pack_into(order + "I", meta, 20, page_size)
    meta[25] = 8
    pages.append(meta)
    hash_page_number = 1
    pages.append(bytearray(page_size))  # filled below, once the overflow pages are numbered
    items: list[bytes] = []
    for key, value in enumerate(values, start=1):
        first = len(pages)
        capacity = page_size - 26
        chunks = [value[i : i + capacity] for i in range(0, len(value), capacity)] or [b""]
        for number, chunk in enumerate(chunks):
            this = first + number
            nxt = this + 1 if number + 1 < len(chunks) else 0
            page = header(this, 7, entries=1, next_page=nxt, high=len(chunk))
            page[26 : 26 + len(chunk)] = chunk
            pages.append(page)
        items.append(b"\x01" + struct.pack(order + "I", key))  # H_KEYDATA key
        items.append(struct.pack(order + "B3xII", 3, first, len(value)))  # H_OFFPAGE value
    hash_page = header(hash_page_number, 13, entries=len(items))
    offset = page_size
    for number, item in enumerate(items):
        offset -= len(item)
        hash_page[offset : offset + len(item)] = item
        struct.pack_into(order + "H", hash_page, 26 + 2 * number, offset)
    pages[hash_page_number] = hash_page
    struct.pack_into(order + "I", pages[0], 32, len(pages) - 1)  # last page number
    return b"".join(bytes(page) for page in pages)


def python_metadata(name: str, version: str, license_expression: str | None = "MIT") -> str:
    lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
    if license_expression:
        lines.append(f"License-Expression: {license_expression}")
    lines.append("Classifier: Programming Language :: Python :: 3")
    return "\n".join(lines) + "\n\nLong description.\nName: not-a-header\n"


def npm_package(name: str, version: str, license: str = "MIT") -> str:
    return json.dumps({"name": name, "version": version, "license": license, "main": "index.js"})


GO_INFO_START = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
GO_INFO_END = b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"


def _uvarint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def go_binary(go_version: str, modinfo: str, data_offset: int = 0x2000, padding: int = 0) -> bytes:
    """A minimal ELF64 executable whose data segment starts with Go 1.18+ build information."""
    blob = b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16
    module_text = GO_INFO_START + modinfo.encode() + GO_INFO_END
    blob += (
        _uvarint(len(go_version)) + go_version.encode() + _uvarint(len(module_text)) + module_text
    )
    blob = b"\0" * padding + blob
    ehdr = bytearray(64)
    ehdr[0:4] = b"\x7fELF"
    ehdr[4], ehdr[5], ehdr[6] = 2, 1, 1  # 64-bit, little-endian, version 1
    struct.pack_into("<HHIQQQIHHHHHH", ehdr, 16, 2, 62, 1, 0x401000, 64, 0, 0, 64, 56, 2, 64, 0, 0)
    text = struct.pack(
        "<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 0x1000, 0x1000, 0x1000
    )  # PT_LOAD R+X
    data = struct.pack(
        "<IIQQQQQQ", 1, 6, data_offset, 0x600000, 0x600000, len(blob), len(blob), 0x1000
    )  # PT_LOAD R+W
    head = bytes(ehdr) + text + data
    return head + b"\x90" * (data_offset - len(head)) + blob + b"\0" * 64


def jar(
    poms: Mapping[str, tuple[str, str, str]], nested: Mapping[str, bytes] | None = None
) -> bytes:
    """A jar with ``pom.properties`` for each (group, artifact, version), plus nested jars."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for group, artifact, version in poms.values():
            archive.writestr(
                f"META-INF/maven/{group}/{artifact}/pom.properties",
                f"#Generated by Maven\nartifactId={artifact}\ngroupId={group}\nversion={version}\n",
            )
        archive.writestr("com/example/App.class", b"\xca\xfe\xba\xbe")
        for name, data in (nested or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()
