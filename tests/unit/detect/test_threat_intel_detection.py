"""The IPCaller families fire on callers from loaded lists, and only on those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeguard.cli.main import main
from kubeguard.detect import DetectOptions, detect_files
from kubeguard.model import Status
from tests.unit.detect.events import audit_event, write_jsonl

INTEL_CIDR = "198.51.100.0/24"
CUSTOM_V6 = "2001:db8:bad::/48"
TOR_EXIT = "185.220.101.7"
UNLISTED = ("198.51.101.1", "2001:db8:bae::1", "185.220.101.8", "10.0.1.20")


@pytest.fixture
def lists(tmp_path: Path) -> DetectOptions:
    intel = tmp_path / "feed.csv"
    intel.write_text(f"indicator,threat\n{INTEL_CIDR},botnet\n")
    custom = tmp_path / "blocked.txt"
    custom.write_text(f"# our own\n{CUSTOM_V6}\nnot an address\n")
    tor = tmp_path / "exit-addresses"
    tor.write_text(f"ExitNode ABC\nExitAddress {TOR_EXIT} 2026-03-01 00:00:00\n")
    return DetectOptions(
        threat_list_files=(("intel/feed", str(intel)), ("custom/blocked", str(custom))),
        tor_exit_files=(str(tor),),
    )


def finding_types(log: Path, options: DetectOptions) -> dict[str, list[str]]:
    """Finding types of the IPCaller families, with the lists each finding names."""
    result = detect_files([str(log)], options)
    return {
        finding.detection.finding_type: list(finding.detection.threat_lists)
        for finding in result.findings
        if finding.detection is not None and "IPCaller" in finding.detection.finding_type
    }


@pytest.mark.parametrize(
    ("caller", "family", "list_name"),
    [
        ("198.51.100.0", "MaliciousIPCaller", "intel/feed"),  # first address of the network
        ("198.51.100.255", "MaliciousIPCaller", "intel/feed"),  # last
        ("2001:db8:bad:0:ffff:ffff:ffff:ffff", "MaliciousIPCaller.Custom", "custom/blocked"),
        (TOR_EXIT, "TorIPCaller", "tor"),
    ],
)
def test_each_family_fires_on_a_listed_caller(
    tmp_path: Path, lists: DetectOptions, caller: str, family: str, list_name: str
) -> None:
    log = write_jsonl(
        tmp_path / "audit.log",
        [
            audit_event(verb="get", resource="secrets", name="db", source_ip=caller),
            audit_event(verb="list", resource="pods", source_ip=caller),
        ],
    )
    found = finding_types(log, lists)
    assert found == {
        f"CredentialAccess:Kubernetes/{family}": [list_name],
        f"Discovery:Kubernetes/{family}": [list_name],
    }


@pytest.mark.parametrize("caller", UNLISTED)
def test_no_family_fires_on_an_unlisted_caller(
    tmp_path: Path, lists: DetectOptions, caller: str
) -> None:
    log = write_jsonl(
        tmp_path / "audit.log",
        [audit_event(verb="get", resource="secrets", name="db", source_ip=caller)],
    )
    assert finding_types(log, lists) == {}


def test_without_lists_the_families_stay_silent(tmp_path: Path) -> None:
    log = write_jsonl(
        tmp_path / "audit.log",
        [audit_event(verb="get", resource="secrets", name="db", source_ip=TOR_EXIT)],
    )
    assert finding_types(log, DetectOptions()) == {}


def test_bad_list_lines_are_error_findings_with_file_and_line(
    tmp_path: Path, lists: DetectOptions
) -> None:
    log = write_jsonl(tmp_path / "audit.log", [audit_event()])
    result = detect_files([str(log)], lists)
    errors = [finding for finding in result.findings if finding.status is Status.ERROR]
    assert [(str(error.location), error.message) for error in errors] == [
        (
            f"{tmp_path / 'blocked.txt'}:3",
            "threat list custom/blocked: 'not' is not an IP address",
        )
    ]
    assert result.settings["threat_list_rejected_lines"] == "1"
    assert result.settings["threat_lists"] == (
        "custom/blocked (1 entries),intel/feed (1 entries),tor (1 entries)"
    )


def test_cli_flags_load_the_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tor = tmp_path / "tor.txt"
    tor.write_text(f"{TOR_EXIT}\n")
    blocked = tmp_path / "blocked.csv"
    blocked.write_text("ip,why\n203.0.113.7,scanner\n")
    log = write_jsonl(
        tmp_path / "audit.log",
        [
            audit_event(verb="get", resource="secrets", name="db", source_ip=TOR_EXIT),
            audit_event(verb="get", resource="secrets", name="db", source_ip="203.0.113.7"),
        ],
    )
    code = main(
        [
            "detect",
            str(log),
            "--tor-exits",
            str(tor),
            "--threat-list",
            f"blocked={blocked}",
            "--format",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    types = {
        finding["detection"]["finding_type"]
        for finding in report["findings"]
        if finding["detection"] and "IPCaller" in finding["detection"]["finding_type"]
    }
    assert types == {
        "CredentialAccess:Kubernetes/TorIPCaller",
        "CredentialAccess:Kubernetes/MaliciousIPCaller.Custom",
    }
    assert code == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [("nameless.txt", "NAME=PATH"), ("other/x=list.txt", "threat list name")],
)
def test_cli_refuses_bad_list_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    log = write_jsonl(tmp_path / "audit.log", [audit_event()])
    assert main(["detect", str(log), "--threat-list", value]) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_a_list_file_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_jsonl(tmp_path / "audit.log", [audit_event()])
    assert main(["detect", str(log), "--threat-list", f"x={tmp_path / 'absent.txt'}"]) == 2
    assert "is not a file" in capsys.readouterr().err
