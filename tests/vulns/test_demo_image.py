"""The bundled example image says what examples/eks-shop/README.md says it does."""

import importlib.util
from pathlib import Path
from types import ModuleType

import orjson

from kubeguard.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eks-shop" / "image"


def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eks_shop_image_build", EXAMPLE / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_image_findings(tmp_path, capsys):
    build = load_build_script()
    target = tmp_path / "orders.tar"
    assert build.main([str(target)]) == 0
    first = target.read_bytes()
    assert build.main([str(target)]) == 0
    assert target.read_bytes() == first  # deterministic
    database = str(tmp_path / "demo.db")
    assert main(["db", "import", str(EXAMPLE / "advisories"), "--db", database]) == 0
    capsys.readouterr()
    vex = str(EXAMPLE / "orders.openvex.json")
    arguments = ["--db", database, "--vex", vex, "--format", "json", "--show-suppressed"]
    code = main(["image", "scan", str(target), *arguments])
    document = orjson.loads(capsys.readouterr().out)
    assert code == 1
    found = {
        (f["control_id"], f["suppressed_by"] is not None, f["severity"])
        for f in document["findings"]
    }
    assert found == {
        ("PYSEC-2023-192", False, "high"),
        ("PYSEC-2023-212", False, "medium"),
        ("CVE-2022-0456", False, "medium"),
        ("CVE-2025-53603", False, "medium"),
        ("PYSEC-2023-74", True, "medium"),
    }
    assert {f["resource"]["name"] for f in document["findings"]} == {build.TAG}
