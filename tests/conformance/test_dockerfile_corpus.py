"""Every Dockerfile of the shared corpus parses and is linted without an error, and a handful of
findings checked by hand on named files come out exactly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from kubeguard.engines.dockerfile import evaluate, load_rules
from kubeguard.model import SourceError, Status
from kubeguard.sources.dockerfile import read_dockerfile
from tests.conftest import corpus_dir

#: Findings looked up in the files themselves: (file, rule) -> the lines it fires on.
HAND_CHECKED: dict[tuple[str, str], list[int]] = {
    # EXPOSE 22 for the git-over-SSH server.
    ("jessfraz-dockerfiles/gitserver/Dockerfile", "KG-DF-014"): [28],
    # ADD of a raw.githubusercontent.com URL with no --checksum.
    ("jessfraz-dockerfiles/wee-slack/Dockerfile", "KG-DF-011"): [28],
    # curl -sL https://deb.nodesource.com/setup_12.x | bash -
    ("jessfraz-dockerfiles/nomad/Dockerfile", "KG-DF-026"): [16],
    # apt-get dist-upgrade -y inside the continued RUN that starts at line 50.
    ("argo-cd/Dockerfile", "KG-DF-035"): [50],
    # A lone RUN apt-get update, the install in the next RUN.
    ("kubernetes-examples/_archived/storage/mysql-galera/image/Dockerfile", "KG-DF-039"): [25],
    # sudo apt-get update -y / sudo yum -y update.
    ("gke-samples/ai-ml/gke-ray/raytrain/maxtext/Dockerfile", "KG-DF-027"): [23],
    ("gke-samples/hpc/mpi/Dockerfile", "KG-DF-027"): [85],
    # apt-get dist-clean (apt 2.7+) removes the lists: no DL3009-style finding.
    ("docker-library-python/3.10/slim-trixie/Dockerfile", "KG-DF-038"): [],
    # A Windows image: no root-user finding, and its PowerShell RUNs are not read as sh.
    ("gke-samples/windows/aspnet-gmsa/Dockerfile.WINDOWS_LTSC2019", "KG-DF-001"): [],
    ("gke-samples/windows/aspnet-gmsa/Dockerfile.WINDOWS_LTSC2019", "KG-DF-031"): [],
}

CORPUS_FILES = 292


def _corpus() -> Path:
    return corpus_dir("dockerfiles")


def test_every_corpus_file_parses_and_lints_without_errors() -> None:
    corpus = _corpus()
    rules = load_rules()
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert len(files) == CORPUS_FILES
    fired: dict[tuple[str, str], list[int]] = defaultdict(list)
    for file in files:
        doc = read_dockerfile(file)
        assert not isinstance(doc, SourceError), str(doc)
        assert doc.stages, f"{file} has no stage"
        for finding in evaluate(doc, rules, debug=True):
            assert finding.status != Status.ERROR, finding.message
            if finding.status == Status.FAIL and finding.location and finding.location.line:
                fired[(file.relative_to(corpus).as_posix(), finding.control_id)].append(
                    finding.location.line
                )
    for (name, rule_id), lines in HAND_CHECKED.items():
        assert sorted(fired.get((name, rule_id), [])) == lines, f"{rule_id} on {name}"


@pytest.mark.parametrize(
    "name", ["argo-cd/Dockerfile", "docker-library-postgres/18/bookworm/Dockerfile"]
)
def test_long_continued_instructions_keep_their_first_line(name: str) -> None:
    file = _corpus() / name
    doc = read_dockerfile(file)
    assert not isinstance(doc, SourceError)
    lines = file.read_text(encoding="utf-8").splitlines()
    for instruction in doc.instructions:
        first = lines[instruction.line - 1].lstrip()
        assert first.upper().startswith(instruction.keyword), (instruction.line, first)
