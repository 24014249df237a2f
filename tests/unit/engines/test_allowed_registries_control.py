"""KG-IMG-005 enforces nothing until an allow-list is configured."""

from __future__ import annotations

from pathlib import Path

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.model import Inventory, K8sObject, Status
from kubeguard.sources import read_manifests

FIXTURES = Path(__file__).parents[2] / "controls" / "image" / "allowed_registries"


def _statuses(settings: PostureSettings) -> set[Status]:
    control = next(c for c in load_controls() if c.id == "KG-IMG-005")
    fixture = FIXTURES / "fail-unapproved.yaml"
    objects = [o for o in read_manifests([str(fixture)]) if isinstance(o, K8sObject)]
    return {f.status for f in evaluate(Inventory(objects), [control], settings, debug=True)}


def test_without_allow_list_every_image_passes() -> None:
    assert _statuses(PostureSettings(allowed_registries=())) == {Status.PASS}


def test_the_same_images_fail_against_an_allow_list() -> None:
    assert _statuses(PostureSettings(allowed_registries=("registry.internal",))) == {Status.FAIL}
