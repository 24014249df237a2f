"""Where package managers cache, and what keeps their caches out of a layer."""

from __future__ import annotations

import pytest

from kubeguard.engines.dockerfile import evaluate, load_rules
from kubeguard.engines.dockerfile.packages import IMAGE_ROOT_HOME, PIP
from kubeguard.engines.dockerfile.shell import parse_commands
from kubeguard.model import Status
from kubeguard.sources.dockerfile import parse_dockerfile


def _pip_cache_failures(run: str) -> list[str]:
    rule = next(rule for rule in load_rules() if rule.id == "KG-DF-043")
    doc = parse_dockerfile(f"FROM python:3.12-slim\n{run}\n", "Dockerfile")
    return [f.message for f in evaluate(doc, [rule]) if f.status == Status.FAIL]


@pytest.mark.parametrize(
    ("command", "folders"),
    [
        ("pip install x==1", (f"{IMAGE_ROOT_HOME}/.cache/pip", f"{IMAGE_ROOT_HOME}/.cache")),
        ("pip install --cache-dir /var/cache/pip x==1", ("/var/cache/pip",)),
        ("pip install --cache-dir=/a --cache-dir=/b x==1", ("/b",)),
    ],
)
def test_pip_caches_where_its_cache_option_says(command: str, folders: tuple[str, ...]) -> None:
    (parsed,) = parse_commands(command)
    assert PIP.cache_folders(parsed) == folders


def test_a_cache_mount_over_the_default_folder_keeps_the_layer_clean() -> None:
    mount = f"--mount=type=cache,target={IMAGE_ROOT_HOME}/.cache/pip"
    assert _pip_cache_failures(f"RUN {mount} pip install x==1") == []
    # The mount must cover the folder pip actually uses.
    moved = _pip_cache_failures(f"RUN {mount} pip install --cache-dir /var/cache/pip x==1")
    assert moved == ["pip install leaves its cache (/var/cache/pip) in the layer"]
