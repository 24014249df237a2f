"""``db update`` against a local HTTP server serving an export built from the shared corpus."""

import functools
import http.server
import io
import json
import shutil
import threading
import zipfile
from pathlib import Path

import orjson
import pytest
import yaml

from kubeguard.cli.main import main
from kubeguard.sources.advisories import AdvisoryDatabase
from tests.conftest import corpus_dir

#: The corpus packages exported as an OSV ``all.zip``, converted to JSON as OSV publishes it.
EXPORTED = ("jinja2", "pyyaml", "requests", "urllib3")


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    records = sorted(
        path
        for package in EXPORTED
        for path in (corpus_dir("osv") / "pypa" / "vulns" / package).glob("*.yaml")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in records:
            # BaseLoader keeps versions as text (1.10 stays "1.10"), as the importer reads them.
            text = path.read_text(encoding="utf-8")
            document = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - builds no objects
            archive.writestr(f"{document['id']}.json", json.dumps(document))
    (root / "PyPI").mkdir()
    (root / "PyPI" / "all.zip").write_bytes(buffer.getvalue())
    (root / "alpine").mkdir()
    shutil.copy(
        corpus_dir("secdb") / "alpine" / "v3.11" / "main.yaml", root / "alpine" / "main.yaml"
    )
    (root / "tracker").mkdir()
    shutil.copy(corpus_dir("secdb") / "debian" / "tracker-sample.json", root / "tracker" / "json")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", len(records)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def write_config(folder: Path, urls: list[str]) -> Path:
    config = folder / "kubeguard.yaml"
    config.write_text(yaml.safe_dump({"vulnerability_db": {"feeds": urls}}))
    return config


def test_update_fetches_every_configured_feed(feed_server, tmp_path, capsys):
    base, records = feed_server
    urls = [f"{base}/PyPI/all.zip", f"{base}/alpine/main.yaml", f"{base}/tracker/json"]
    config = write_config(tmp_path, urls)
    database = tmp_path / "v.db"
    code = main(["db", "update", "--config", str(config), "--db", str(database)])
    captured = capsys.readouterr()
    # Alpine v3.11 main has nine ranges whose versions apk cannot order (6 xen, 2 python2, 1 opensmtpd).
    assert code == 3
    assert captured.err.count("kubeguard: warning:") == 9
    assert f"{base}/alpine/main.yaml: CVE-2020-7247" in captured.err
    with AdvisoryDatabase(database, create=False) as opened:
        status = opened.status()
        urllib3 = opened.advisories_for("PyPI", "", ["urllib3"])["urllib3"]
    assert [(s.location, s.kind) for s in status.sources] == [(url, "url") for url in urls]
    counts = {source.location: source.advisories for source in status.sources}
    assert counts[urls[0]] == records
    assert counts[urls[2]] == 6
    assert "PYSEC-2023-192" in {match.advisory.id for match in urllib3}
    assert status.by_ecosystem["Debian"] == 25


def test_a_feed_that_fails_is_one_line_and_the_others_still_import(feed_server, tmp_path, capsys):
    base, records = feed_server
    config = write_config(tmp_path, [f"{base}/missing/all.zip", f"{base}/PyPI/all.zip"])
    database = tmp_path / "v.db"
    assert main(["db", "update", "--config", str(config), "--db", str(database)]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err == [f"kubeguard: warning: {base}/missing/all.zip: cannot fetch feed: HTTP 404"]
    with AdvisoryDatabase(database, create=False) as opened:
        assert opened.status().advisories == records


def test_update_without_feeds_is_a_usage_error(tmp_path, capsys):
    config = write_config(tmp_path, [])
    assert main(["db", "update", "--config", str(config), "--db", str(tmp_path / "v.db")]) == 2
    assert "vulnerability_db.feeds" in capsys.readouterr().err


def test_status_reports_age_sources_and_counts(feed_server, tmp_path, capsys):
    base, records = feed_server
    config = write_config(tmp_path, [f"{base}/PyPI/all.zip"])
    database = tmp_path / "v.db"
    main(["db", "update", "--config", str(config), "--db", str(database)])
    capsys.readouterr()
    assert main(["db", "status", "--db", str(database), "--format", "json"]) == 0
    document = orjson.loads(capsys.readouterr().out)
    assert document["advisories"] == records
    assert 0 <= document["ageSeconds"] < 600
    assert document["sources"][0]["location"] == f"{base}/PyPI/all.zip"
    assert main(["db", "status", "--db", str(database)]) == 0
    table = capsys.readouterr().out
    assert f"advisories   {records} (" in table
    assert "ago)" in table
