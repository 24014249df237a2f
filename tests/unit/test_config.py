"""``.kubeguard.yaml``: validation errors name the file, line and field; precedence is
flags > ``KUBEGUARD_*`` variables > file > defaults."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from kubeguard.config import DEFAULT_CONFIG_FILE, load_config
from kubeguard.engines.posture import PssLevel
from kubeguard.findings import ExceptionRule
from kubeguard.model import ConfigError, Severity
from tests.unit.cli.helpers import isolate, only_privileged_control, pod, run_cli, write


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def _error(text: str, environ: dict[str, str] | None = None) -> ConfigError:
    Path("kg.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config("kg.yaml", environ or {})
    return caught.value


def test_no_file_gives_the_defaults() -> None:
    config = load_config(None, {})
    assert config.fail_on is None
    assert config.pss.level is None
    assert config.exceptions == ()


def test_the_default_file_is_read_when_present() -> None:
    Path(DEFAULT_CONFIG_FILE).write_text("fail_on: high\n", encoding="utf-8")
    assert load_config(None, {}).fail_on == Severity.HIGH


def test_exceptions_are_read_with_single_values_or_lists() -> None:
    Path("kg.yaml").write_text(
        """\
exceptions:
  - controls: KG-POD-*
    reason: vendor agent
    namespaces: [kube-system, monitoring]
    names: agent-*
    kinds: DaemonSet
    expires: 2030-06-30
""",
        encoding="utf-8",
    )
    (rule,) = load_config("kg.yaml", {}).exceptions
    assert rule == ExceptionRule(
        controls=("KG-POD-*",),
        reason="vendor agent",
        namespaces=("kube-system", "monitoring"),
        names=("agent-*",),
        kinds=("DaemonSet",),
        expires=datetime.date(2030, 6, 30),
    )


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("exceptions:\n  - controls: KG-POD-001\n", 2, "exceptions.0.reason"),
        ("exceptions:\n  - controls: []\n    reason: r\n", 2, "exceptions.0.controls"),
        ("fail_on: severe\n", 1, "fail_on"),
        ("# settings\npss:\n  level: strict\n", 3, "pss.level"),
        ("pss:\n  version: v2\n", 2, "pss.version"),
        ("failOn: high\n", 1, "failOn"),
        ("exceptions:\n  - controls: X\n    reason: r\n    expires: someday\n", 4, "expires"),
    ],
)
def test_invalid_file_names_file_line_and_field(text: str, line: int, field: str) -> None:
    error = _error(text)
    message = str(error)
    assert message.startswith(f"kg.yaml:{line}: invalid configuration at ")
    assert field in message
    assert "\n" not in message


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    assert "must be a mapping" in str(_error("- fail_on: high\n"))


def test_a_missing_config_file_is_an_error() -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config("absent.yaml", {})


def test_invalid_environment_variable_is_named() -> None:
    error = _error("fail_on: high\n", {"KUBEGUARD_FAIL_ON": "severe"})
    assert str(error).startswith("invalid KUBEGUARD_FAIL_ON: ")


def test_environment_overrides_the_file() -> None:
    Path("kg.yaml").write_text("fail_on: low\npss:\n  level: baseline\n", encoding="utf-8")
    environ = {"KUBEGUARD_FAIL_ON": "critical", "KUBEGUARD_PSS_VERSION": "v1.30"}
    config = load_config("kg.yaml", environ)
    assert config.fail_on == Severity.CRITICAL
    # A variable for one field of a section keeps the file's other fields.
    assert config.pss.level == PssLevel.BASELINE
    assert config.pss.version == "v1.30"


@pytest.mark.parametrize(
    ("file", "env", "flag", "expected"),
    [
        # The failing finding is LOW: a threshold above low passes, one at or below fails.
        (None, None, None, ExitCode.FINDINGS),  # default: info
        ("critical", None, None, ExitCode.CLEAN),  # file
        ("critical", "low", None, ExitCode.FINDINGS),  # env beats file
        ("low", "critical", None, ExitCode.CLEAN),  # env beats file
        ("low", "low", "high", ExitCode.CLEAN),  # flag beats env and file
        ("critical", "critical", "info", ExitCode.FINDINGS),  # flag beats env and file
    ],
)
def test_fail_on_precedence_flag_env_file_default(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    file: str | None,
    env: str | None,
    flag: str | None,
    expected: ExitCode,
) -> None:
    only_privileged_control(monkeypatch, Severity.LOW)
    target = write(tmp_path, "pod.yaml", pod("root", privileged=True))
    if file is not None:
        write(tmp_path, DEFAULT_CONFIG_FILE, f"fail_on: {file}\n")
    if env is not None:
        monkeypatch.setenv("KUBEGUARD_FAIL_ON", env)
    argv = ["scan", target] + (["--fail-on", flag] if flag else [])
    outcome = run_cli(capsys, *argv)
    assert outcome.code == expected, outcome.err
    effective = flag or env or file or "info"
    assert f"--fail-on {effective}:" in outcome.out


def test_pss_level_from_the_file_selects_controls(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # KG-POD-001 is a baseline check: the privileged level evaluates no PSS check at all.
    only_privileged_control(monkeypatch)
    target = write(tmp_path, "pod.yaml", pod("root", privileged=True))
    write(tmp_path, DEFAULT_CONFIG_FILE, "pss:\n  level: privileged\n")
    outcome = run_cli(capsys, "scan", target, "--format", "json")
    assert outcome.code == ExitCode.CLEAN
    assert outcome.json()["settings"]["pss_level"] == "privileged"
    assert outcome.findings() == []
