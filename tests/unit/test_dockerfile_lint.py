"""Linting Dockerfiles end to end: suppressions users wrote for hadolint, Trivy and kubeguard."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kubeguard.config import load_config
from kubeguard.dockerfile_lint import PARALLEL_MIN_FILES, LintOptions, lint_dockerfiles
from kubeguard.findings import ScanResult
from kubeguard.findings.dockerfile_ignores import file_ignores
from kubeguard.model import ConfigError, Finding, Status
from kubeguard.scan import UNREADABLE_INPUT
from kubeguard.sources.dockerfile import parse_dockerfile
from kubeguard.sources.hadolint_config import find_hadolint_config, hadolint_config_candidates

#: Every line a rule below fires on is named in the test that uses it.
DOCKERFILE = """\
# hadolint global ignore=DL3057
FROM ubuntu
# hadolint ignore=DL3008,DL3015
# kubeguard ignore=KG-DF-038 lists are cleaned in the next layer
RUN apt-get update && apt-get install -y curl
#trivy:ignore:AVD-DS-0010
RUN sudo make install

RUN sudo make clean
USER root
"""


def _lint(folder: Path, text: str = DOCKERFILE, **options: object) -> ScanResult:
    (folder / "Dockerfile").write_text(text, encoding="utf-8")
    return lint_dockerfiles(
        [str(folder / "Dockerfile")],
        LintOptions(**options),  # type: ignore[arg-type]
        cwd=folder,
        environ={"HOME": str(folder / "home")},
    )


def _by_rule(result: ScanResult, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.control_id == rule_id and f.status == Status.FAIL]


def _suppressed_by(result: ScanResult, rule_id: str) -> list[tuple[int | None, str | None]]:
    return [
        (f.location.line if f.location else None, f.suppressed_by)
        for f in _by_rule(result, rule_id)
    ]


def test_inline_comments_suppress_the_instruction_below_only(tmp_path: Path) -> None:
    result = _lint(tmp_path)
    assert _suppressed_by(result, "KG-DF-037") == [
        (5, "annotation # hadolint ignore=DL3008,DL3015")
    ]
    assert _suppressed_by(result, "KG-DF-036") == [
        (5, "annotation # hadolint ignore=DL3008,DL3015")
    ]
    assert _suppressed_by(result, "KG-DF-038") == [
        (5, "annotation # kubeguard ignore=KG-DF-038: lists are cleaned in the next layer")
    ]
    # The Trivy id suppresses line 7; the blank line keeps the comment away from line 9.
    assert _suppressed_by(result, "KG-DF-027") == [
        (7, "annotation #trivy:ignore:AVD-DS-0010"),
        (9, None),
    ]
    assert _suppressed_by(result, "KG-DF-016") == [
        (2, "annotation # hadolint global ignore=DL3057")
    ]
    # Rules nobody ignored still fail, and everything is counted.
    assert _suppressed_by(result, "KG-DF-001") == [(10, None)]
    assert _suppressed_by(result, "KG-DF-002") == [(2, None)]
    assert result.counts()["suppressed"] == 5


def test_hadolint_config_in_the_working_folder_is_found_and_honoured(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored:\n  - DL3002\n  - DL3006\ntrustedRegistries:\n  - docker.io\n"
        "disable-ignore-pragma: true\n"
    )
    result = _lint(tmp_path)
    config = str(tmp_path / ".hadolint.yaml")
    assert result.settings == {"hadolint_config": config}
    assert _suppressed_by(result, "KG-DF-001") == [
        (10, f"hadolint config {config}: ignored DL3002")
    ]
    assert _suppressed_by(result, "KG-DF-002") == [(2, f"hadolint config {config}: ignored DL3006")]
    # disable-ignore-pragma turns off # hadolint comments, not kubeguard's or Trivy's.
    assert _suppressed_by(result, "KG-DF-037") == [(5, None)]
    assert _suppressed_by(result, "KG-DF-038")[0][1] is not None
    assert _suppressed_by(result, "KG-DF-027")[0][1] == "annotation #trivy:ignore:AVD-DS-0010"
    # docker.io is trusted, so the untrusted-registry rule stays quiet.
    assert _by_rule(result, "KG-DF-004") == []


def test_explicit_hadolint_config_and_opting_out(tmp_path: Path) -> None:
    explicit = tmp_path / "ci" / "hadolint.yml"
    explicit.parent.mkdir()
    explicit.write_text("ignored: [DL3002]\ntrustedRegistries: [registry.example.com]\n")
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL3006]\n")
    result = _lint(tmp_path, hadolint_config=str(explicit))
    assert _suppressed_by(result, "KG-DF-001")[0][1] is not None
    assert _suppressed_by(result, "KG-DF-002") == [(2, None)]
    assert [f.location.line for f in _by_rule(result, "KG-DF-004") if f.location] == [2]

    ignored = _lint(tmp_path, use_hadolint_config=False)
    assert ignored.settings == {"hadolint_config": "none"}
    assert _suppressed_by(ignored, "KG-DF-002") == [(2, None)]


def test_hadolint_config_is_looked_up_where_hadolint_looks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    environ = {"HOME": str(home)}
    candidates = hadolint_config_candidates(tmp_path / "work", environ)
    assert [c.relative_to(tmp_path).as_posix() for c in candidates] == [
        "work/.hadolint.yaml",
        "work/.hadolint.yml",
        "home/.config/hadolint.yaml",
        "home/.config/hadolint.yml",
        "home/.hadolint/hadolint.yaml",
        "home/.hadolint/hadolint.yml",
        "home/.hadolint/config.yaml",
        "home/.hadolint/config.yml",
        "home/.hadolint.yaml",
        "home/.hadolint.yml",
    ]
    assert find_hadolint_config(tmp_path / "work", environ) is None
    (home / ".hadolint").mkdir(parents=True)
    (home / ".hadolint" / "config.yml").write_text("ignored: []\n")
    (home / ".hadolint.yaml").write_text("ignored: []\n")
    assert find_hadolint_config(tmp_path / "work", environ) == home / ".hadolint" / "config.yml"
    xdg = {"HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "hadolint.yaml").write_text("ignored: []\n")
    assert find_hadolint_config(tmp_path / "work", xdg) == tmp_path / "xdg" / "hadolint.yaml"


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ("ignored: DL3008\n", "ignored must be a list of strings", 1),
        (
            "override:\n  error: [DL3001]\ndisable-ignore-pragma: maybe\n",
            "must be true or false",
            3,
        ),
        ("- DL3008\n", "must be a mapping", 1),
        ("ignored: [DL3008\n", "invalid YAML", 2),
    ],
)
def test_bad_hadolint_config_is_one_config_error(
    tmp_path: Path, content: str, message: str, line: int
) -> None:
    (tmp_path / ".hadolint.yaml").write_text(content)
    with pytest.raises(ConfigError) as raised:
        _lint(tmp_path)
    assert message in raised.value.message
    assert raised.value.location is not None
    assert raised.value.location.path == str(tmp_path / ".hadolint.yaml")
    assert raised.value.location.line == line


def test_config_exceptions_name_trivy_ids_and_dockerfile_paths(tmp_path: Path) -> None:
    (tmp_path / ".kubeguard.yaml").write_text(
        "exceptions:\n"
        "  - controls: [AVD-DS-0002]\n"
        "    kinds: [Dockerfile]\n"
        f"    names: ['{tmp_path}/*']\n"
        "    reason: builder image, never deployed\n"
        "  - controls: [DS001]\n"
        "    names: [elsewhere/*]\n"
        "    reason: does not match this file\n"
        "  - controls: [KG-DF-016]\n"
        "    reason: expired\n"
        "    expires: 2001-01-01\n"
    )
    config = load_config(str(tmp_path / ".kubeguard.yaml"), environ={})
    result = _lint(tmp_path, config=config)
    assert _suppressed_by(result, "KG-DF-001") == [
        (10, "config exception: builder image, never deployed")
    ]
    assert _suppressed_by(result, "KG-DF-002") == [(2, None)]
    assert [rule.reason for rule in result.expired_exceptions] == ["expired"]
    assert datetime.date(2001, 1, 1) < datetime.date.today()


def test_unreadable_input_is_an_error_finding_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.Dockerfile").write_text("FROM alpine:3.20\nUSER 10001\nHEALTHCHECK NONE\n")
    (tmp_path / "bad.Dockerfile").write_text("FROM alpine:3.20\nRUNN echo\n")
    result = lint_dockerfiles([str(tmp_path), str(tmp_path / "missing")], cwd=tmp_path, environ={})
    assert result.objects == 1
    errors = [(f.control_id, str(f.location), f.message) for f in result.errors]
    assert errors == [
        (UNREADABLE_INPUT, f"{tmp_path / 'bad.Dockerfile'}:2", "unknown instruction 'RUNN'"),
        (UNREADABLE_INPUT, str(tmp_path / "missing"), "no such file or folder"),
    ]
    assert result.incomplete
    assert not result.failures()


def test_pragmas_attach_to_the_instruction_below_a_comment_block() -> None:
    doc = parse_dockerfile(
        "FROM alpine:3.20\n"
        "# hadolint ignore=DL3018\n"
        "# some explanation\n"
        "RUN apk add curl\n"
        "# hadolint ignore = DL3019 , DL3018 # trailing note\n"
        "\n"
        "RUN apk add git\n"
        "# kubeguard global ignore=KG-DF-016\n"
    )
    ignores = file_ignores(doc)
    (first,) = ignores.by_line[4]
    assert (first.peer, first.ids) == ("hadolint", frozenset({"DL3018"}))
    assert 7 not in ignores.by_line
    (everywhere,) = ignores.everywhere
    assert (everywhere.peer, everywhere.ids) == (None, frozenset({"KG-DF-016"}))
    assert list(ignores.covering(None)) == [everywhere]


def test_workers_report_exactly_what_one_process_does(tmp_path: Path) -> None:
    fixtures = sorted(Path(__file__).parent.parent.joinpath("dockerfile").rglob("*.Dockerfile"))
    for index in range(PARALLEL_MIN_FILES + 10):
        source = fixtures[index % len(fixtures)]
        (tmp_path / f"{index:03d}.Dockerfile").write_text(source.read_text(encoding="utf-8"))
    (tmp_path / "broken.Dockerfile").write_text("FROM alpine\nNOPE\n")
    single = lint_dockerfiles([str(tmp_path)], LintOptions(workers=1), cwd=tmp_path, environ={})
    forked = lint_dockerfiles([str(tmp_path)], LintOptions(workers=3), cwd=tmp_path, environ={})
    assert forked.objects == single.objects == PARALLEL_MIN_FILES + 10
    assert forked.findings == single.findings
    assert len(forked.errors) == 1
