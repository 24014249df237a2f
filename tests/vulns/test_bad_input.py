"""Broken advisory files: one clear line each, and the rest of the import goes on."""

import io
import json
import zipfile
from typing import Any

import pytest

from kubeguard.cli.main import main
from kubeguard.sources.advisories import AdvisoryDatabase, read_advisories


def record(
    record_id: str, name: str = "good", fixed: str = "2.0", ecosystem: str = "PyPI"
) -> dict[str, Any]:
    return {
        "id": record_id,
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                ],
            }
        ],
    }


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(record("OSV-GOOD")))
    (folder / "wrong-types.json").write_text(
        json.dumps({"id": "OSV-TYPES", "aliases": 3, "affected": "nope", "severity": {}})
    )
    (folder / "unknown-ecosystem.json").write_text(
        json.dumps(
            {
                "id": "OSV-ECO",
                "affected": [
                    record("x", ecosystem="Nonesuch")["affected"][0],
                    record("x", name="kept")["affected"][0],
                ],
            }
        )
    )
    (folder / "bad-version.json").write_text(json.dumps(record("OSV-VERSION", fixed="not!valid")))
    (folder / "broken.yaml").write_text("id: OSV-YAML\naffected: [unclosed\n")
    (folder / "truncated.json").write_text(json.dumps(record("OSV-CUT"))[:40])
    (folder / "no-id.json").write_text(json.dumps({"affected": []}))
    (folder / "mixed-list.json").write_text(json.dumps([record("OSV-LISTED"), 5]))
    (folder / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not a zip file at all")
    whole = zip_bytes({"a/OSV-Z1.json": json.dumps(record("OSV-Z1"))})
    (folder / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    damaged = bytearray(
        zip_bytes(
            {
                "OSV-Z2.json": json.dumps(record("OSV-Z2")) * 1,
                "OSV-Z3.json": json.dumps(record("OSV-Z3", name="padding" * 50)),
            }
        )
    )
    start = damaged.index(b"OSV-Z3.json") + len("OSV-Z3.json") + 4
    damaged[start : start + 8] = b"\xff" * 8  # corrupt the deflated data of the second member
    (folder / "damaged.zip").write_bytes(bytes(damaged))
    return folder


def test_each_problem_is_one_line_and_the_rest_is_imported(export, tmp_path, capsys):
    database = tmp_path / "v.db"
    code = main(["db", "import", str(export), "--db", str(database)])
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("kubeguard: warning:")]
    assert code == 3
    assert len(problems) == len(err.splitlines())  # no tracebacks, nothing else
    expected = {
        "wrong-types.json: OSV-TYPES: aliases is not a list",
        "wrong-types.json: OSV-TYPES: severity is not a list",
        "wrong-types.json: OSV-TYPES: affected is not a list",
        "unknown-ecosystem.json: OSV-ECO: affected[0]: unknown ecosystem 'Nonesuch'",
        "bad-version.json: OSV-VERSION: affected[0].ranges[0] (PyPI good): unparseable version",
        "broken.yaml:3: invalid YAML",
        "truncated.json: invalid JSON",
        "no-id.json: OSV record without an id",
        "mixed-list.json: not an OSV record: expected a mapping, got int",
        "corrupt.zip: not a readable zip file",
        "truncated.zip: not a readable zip file",
        "damaged.zip!OSV-Z3.json: corrupt zip member",
    }
    for fragment in expected:
        assert sum(fragment in line for line in problems) == 1, fragment
    assert len(problems) == len(expected)
    with AdvisoryDatabase(database, create=False) as opened:
        status = opened.status()
        kept = opened.advisories_for("PyPI", "", ["good", "kept"])
    assert status.problems == len(expected)
    # Stored: GOOD, TYPES (no entries), ECO (its PyPI entry), VERSION (without its range), LISTED, Z2.
    assert status.advisories == 6
    assert {m.advisory.id for m in kept["good"]} == {
        "OSV-GOOD",
        "OSV-LISTED",
        "OSV-VERSION",
        "OSV-Z2",
    }
    assert [m.advisory.id for m in kept["kept"]] == ["OSV-ECO"]
    version = next(m for m in kept["good"] if m.advisory.id == "OSV-VERSION")
    assert version.affected.ranges == ()


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    impostor = tmp_path / "v.db"
    impostor.write_text("not sqlite")
    assert main(["db", "status", "--db", str(impostor)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kubeguard: error: ")
    assert "not a kubeguard vulnerability database" in err
    assert len(err.splitlines()) == 1


def test_status_of_a_missing_database(tmp_path, capsys):
    assert main(["db", "status", "--db", str(tmp_path / "none.db")]) == 2
    assert "run `kubeguard db import`" in capsys.readouterr().err


def test_zip_members_are_read_only_up_to_the_limit(tmp_path):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(
        zip_bytes({"big.json": json.dumps(record("OSV-BIG")) + " " * 5000, "ok.json": "[]"})
    )
    items = list(read_advisories(bomb, max_bytes=1000))
    assert [(where, str(item)) for where, item in items] == [
        (f"{bomb}!big.json", f"{bomb}!big.json: larger than 1000 bytes")
    ]
