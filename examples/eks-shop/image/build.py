"""Build the eks-shop orders image as a ``docker save`` archive, offline, with the standard library.

The image is small and fake (no binaries), but its package databases are real in form: a
Debian 12 ``/etc/os-release``, a dpkg status file listing Debian packages at versions that
advisories in ``advisories/`` affect (and some they do not), and the dist-info folders of the
Python packages the orders API pins. ``kubeguard image scan`` reads it like any image::

    python examples/eks-shop/image/build.py /tmp/orders.tar
    kubeguard db import examples/eks-shop/image/advisories/ --db /tmp/demo.db
    kubeguard image scan /tmp/orders.tar --db /tmp/demo.db

The output is deterministic (fixed timestamps, sorted entries), so its digest never changes.
:func:`write_docker_archive` is reused by the image benchmark to build larger images.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import tarfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

TAG = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:1.14.0"
SITE_PACKAGES = "usr/local/lib/python3.11/site-packages"

OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
"""

#: (binary package, version, source package or None when it is the same).
DEBIAN_PACKAGES: tuple[tuple[str, str, str | None], ...] = (
    ("base-files", "12.4+deb12u5", None),
    ("libc6", "2.36-9+deb12u4", "glibc"),
    ("chromium", "97.0.4692.99-1", None),  # renders invoices; CVE-2022-0456 fixed in 98.0.4758.80-1
    ("libsope1", "5.8.0-1", "sope"),  # CVE-2025-53603 fixed in 5.8.0-1+deb12u1
    ("libjs-prototype", "1.7.1-3.1", "prototypejs"),  # past every prototypejs fix: quiet
    ("python3.11", "3.11.2-6", None),
)

#: Python packages of the orders API (name, version).
PYTHON_PACKAGES: tuple[tuple[str, str], ...] = (
    ("urllib3", "1.26.15"),  # CVE-2023-43804 and CVE-2023-45803
    ("requests", "2.28.1"),  # CVE-2023-32681 (suppressed by the VEX document)
    ("Jinja2", "3.1.2"),  # past CVE-2020-28493: quiet
    ("PyYAML", "6.0.1"),  # past CVE-2020-14343: quiet
)


def dpkg_status(packages: Iterable[tuple[str, str, str | None]]) -> str:
    """A dpkg status file listing ``packages`` as installed."""
    paragraphs = []
    for name, version, source in packages:
        lines = [
            f"Package: {name}",
            "Status: install ok installed",
            "Priority: optional",
            "Architecture: amd64",
            *([f"Source: {source}"] if source else []),
            f"Version: {version}",
            f"Description: {name}",
        ]
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


def dist_info(name: str, version: str) -> dict[str, bytes]:
    """The files of an installed Python distribution's ``.dist-info`` folder."""
    folder = f"{SITE_PACKAGES}/{name.replace('-', '_')}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    return {f"{folder}/METADATA": metadata.encode(), f"{folder}/INSTALLER": b"pip\n"}


def layer_tar(files: Mapping[str, bytes]) -> bytes:
    """An uncompressed layer tar of ``files`` (path → content), deterministic."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.mode = 0o644
            info.size = len(files[name])
            tar.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_docker_archive(target: Path, layers: Sequence[Mapping[str, bytes]], tag: str) -> Path:
    """A ``docker save`` archive at ``target``: ``manifest.json``, the config, one tar per layer."""
    blobs = [layer_tar(files) for files in layers]
    diff_ids = [f"sha256:{_sha256(blob)}" for blob in blobs]
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "created": "2026-01-01T00:00:00Z",
            "config": {"User": "10001", "Cmd": ["python3", "-m", "orders"], "WorkingDir": "/app"},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        },
        sort_keys=True,
    ).encode()
    config_name = f"{_sha256(config)}.json"
    entries: dict[str, bytes] = {config_name: config}
    layer_names = []
    for diff_id, blob in zip(diff_ids, blobs, strict=True):
        name = f"{diff_id.removeprefix('sha256:')}/layer.tar"
        entries[name] = blob
        layer_names.append(name)
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": layer_names}]
    entries["manifest.json"] = json.dumps(manifest).encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(layer_tar(entries))
    return target


def orders_layers() -> list[dict[str, bytes]]:
    """The orders image: a Debian base layer, then the application and its Python packages."""
    base = {
        "etc/os-release": OS_RELEASE.encode(),
        "var/lib/dpkg/status": dpkg_status(DEBIAN_PACKAGES).encode(),
    }
    app: dict[str, bytes] = {"app/orders/__init__.py": b'"""Orders API."""\n'}
    for name, version in PYTHON_PACKAGES:
        app.update(dist_info(name, version))
    return [base, app]


def main(argv: Sequence[str] | None = None) -> int:
    """Write the orders image to the path given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="where to write the docker-archive tar")
    args = parser.parse_args(argv)
    write_docker_archive(args.target, orders_layers(), TAG)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
