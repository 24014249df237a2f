"""Threat-list files: plain text, CSV, Tor exit lists, gzip, and lines that are not entries."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kubeguard.model import ConfigError
from kubeguard.sources.threat_lists import (
    MAX_LISTED_PROBLEMS,
    TOR_LIST,
    LoadedList,
    list_name,
    load_lists,
    parse_list_option,
    read_list_file,
)


def load(path: Path, name: str = "custom/test") -> LoadedList:
    return read_list_file(path, LoadedList(name))


def labels(loaded: LoadedList, *addresses: str) -> list[str | None]:
    found = [loaded.addresses.match(address) for address in addresses]
    assert all(item is not None for item in found), addresses
    return [item.label for item in found if item is not None]


def test_plain_text_with_comments_blank_lines_and_labels(tmp_path: Path) -> None:
    file = tmp_path / "blocked.txt"
    file.write_text(
        "# blocked callers\n"
        "\n"
        "   \n"
        "; Spamhaus-style comment\n"
        "// another comment style\n"
        "203.0.113.7\n"
        "198.51.100.0/24 ; SBL123\n"
        "2001:db8::/32 # documentation range\n"
        "192.0.2.1\tscanner seen twice\n"
    )
    loaded = load(file)
    assert len(loaded.addresses) == 4
    assert loaded.lines == 9
    assert loaded.rejected == 0
    assert labels(loaded, "203.0.113.7", "198.51.100.20", "2001:db8::9", "192.0.2.1") == [
        None,
        "SBL123",
        "documentation range",
        "scanner seen twice",
    ]
    assert "198.51.101.1" not in loaded.addresses


def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_loads(
    tmp_path: Path,
) -> None:
    file = tmp_path / "mixed.txt"
    file.write_text("203.0.113.7\nnot-an-ip\n198.51.100.0/33\n198.51.100.0/24\n1.2.3\n")
    loaded = load(file)
    assert "203.0.113.7" in loaded.addresses
    assert "198.51.100.1" in loaded.addresses
    assert loaded.rejected == 3
    assert [str(problem) for problem in loaded.problems] == [
        f"{file}:2: 'not-an-ip' is not an IP address",
        f"{file}:3: prefix length /33 is longer than 32 bits",
        f"{file}:5: '1.2.3' is not an IP address",
    ]


def test_only_the_first_problems_are_listed_and_the_rest_counted(tmp_path: Path) -> None:
    file = tmp_path / "garbage.txt"
    file.write_text("<html>\n" * (MAX_LISTED_PROBLEMS + 5) + "203.0.113.7\n")
    loaded = load(file)
    assert loaded.rejected == MAX_LISTED_PROBLEMS + 5
    assert len(loaded.problems) == MAX_LISTED_PROBLEMS
    assert loaded.unlisted == {str(file): 5}
    assert "203.0.113.7" in loaded.addresses


def test_csv_with_a_header_uses_the_named_column_and_labels_from_the_others(
    tmp_path: Path,
) -> None:
    file = tmp_path / "feodo.csv"
    file.write_text(
        "# abuse.ch style preamble, with, commas\n"
        '"first_seen_utc","dst_ip","dst_port","malware"\n'
        '"2026-01-17 07:44:46","51.178.161.32","4643","Dridex"\n'
        '"2026-01-18 01:00:00","198.51.100.0/24","","Emotet"\n'
        '"2026-01-18 02:00:00","not an address","443","Qakbot"\n'
    )
    loaded = load(file)
    assert len(loaded.addresses) == 2
    assert labels(loaded, "51.178.161.32", "198.51.100.77") == [
        "first_seen_utc=2026-01-17 07:44:46, dst_port=4643, malware=Dridex",
        "first_seen_utc=2026-01-18 01:00:00, malware=Emotet",
    ]
    assert [problem.location.line for problem in loaded.problems] == [5]


def test_csv_without_a_header_finds_the_address_column(tmp_path: Path) -> None:
    file = tmp_path / "feed"
    file.write_text("scanner,203.0.113.7,high\nbotnet,2001:db8::5,low\n")
    loaded = load(file)
    assert labels(loaded, "203.0.113.7", "2001:db8::5") == ["scanner, high", "botnet, low"]


def test_csv_header_with_an_unknown_column_name_finds_the_column_by_content(
    tmp_path: Path,
) -> None:
    file = tmp_path / "list.csv"
    file.write_text("reported,offender\n2026-01-01,203.0.113.7\n")
    assert labels(load(file), "203.0.113.7") == ["reported=2026-01-01"]


def test_tsv_is_read_by_its_suffix(tmp_path: Path) -> None:
    file = tmp_path / "list.tsv"
    file.write_text("ip\tsource\n203.0.113.7\thoneypot\n")
    assert labels(load(file), "203.0.113.7") == ["source=honeypot"]


def test_short_csv_rows_are_rejected(tmp_path: Path) -> None:
    file = tmp_path / "list.csv"
    file.write_text("name,ip\nscanner,203.0.113.7\nlonely\n")
    loaded = load(file)
    assert "203.0.113.7" in loaded.addresses
    assert [problem.location.line for problem in loaded.problems] == [3]


def test_tor_exit_addresses_format(tmp_path: Path) -> None:
    file = tmp_path / "exit-addresses"
    file.write_text(
        "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\n"
        "Published 2026-03-12 02:37:24\n"
        "LastStatus 2026-03-12 08:00:00\n"
        "ExitAddress 185.220.101.7 2026-03-12 08:04:49\n"
        "ExitNode 0098C475875ABC4AA864738B1D1079F711C38287\n"
        "Published 2026-03-12 03:00:00\n"
        "LastStatus 2026-03-12 09:00:00\n"
        "ExitAddress 2001:db8:100::7 2026-03-12 09:01:00\n"
        "ExitAddress\n"
    )
    loaded = load(file, TOR_LIST)
    assert labels(loaded, "185.220.101.7", "2001:db8:100::7") == [
        "Tor exit node 0011BD2485AD45D984EC4159C88FC066E5E3300E",
        "Tor exit node 0098C475875ABC4AA864738B1D1079F711C38287",
    ]
    assert [problem.location.line for problem in loaded.problems] == [9]


def test_plain_tor_bulk_exit_list(tmp_path: Path) -> None:
    file = tmp_path / "torbulkexitlist"
    file.write_text("185.220.101.7\n185.220.101.8\n")
    assert len(load(file, TOR_LIST).addresses) == 2


def test_gzip_files_are_read(tmp_path: Path) -> None:
    file = tmp_path / "list.txt.gz"
    file.write_bytes(gzip.compress(b"203.0.113.7\n"))
    assert "203.0.113.7" in load(file).addresses


def test_a_cut_off_gzip_file_keeps_what_was_read_and_is_one_problem(tmp_path: Path) -> None:
    file = tmp_path / "list.txt.gz"
    whole = gzip.compress(
        b"203.0.113.7\n" + b"".join(b"10.0.%d.%d\n" % divmod(n, 256) for n in range(20000))
    )
    file.write_bytes(whole[: len(whole) // 2])
    loaded = load_lists([("cut", file)])["custom/cut"]
    assert "203.0.113.7" in loaded.addresses
    assert [problem.whole_file for problem in loaded.problems] == [True]
    assert "cannot read threat list custom/cut" in loaded.problems[0].reason


def test_files_under_one_name_are_merged_and_unreadable_ones_reported(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("203.0.113.7\n")
    second = tmp_path / "b.txt"
    second.write_text("198.51.100.0/24\n")
    tor = tmp_path / "tor.txt"
    tor.write_text("185.220.101.7\n")
    loaded = load_lists(
        [("blocked", first), ("custom/blocked", second), ("intel/feed", tmp_path)], [tor]
    )
    assert sorted(loaded) == ["custom/blocked", "intel/feed", "tor"]
    assert len(loaded["custom/blocked"].addresses) == 2
    assert loaded["custom/blocked"].files == [str(first), str(second)]
    assert "185.220.101.7" in loaded["tor"].addresses
    (problem,) = loaded["intel/feed"].problems
    assert problem.whole_file
    assert problem.location.path == str(tmp_path)


@pytest.mark.parametrize(
    ("given", "full"),
    [
        ("blocked", "custom/blocked"),
        ("custom/blocked", "custom/blocked"),
        ("intel/feodo", "intel/feodo"),
        ("tor", "tor"),
    ],
)
def test_list_names(given: str, full: str) -> None:
    assert list_name(given) == full


@pytest.mark.parametrize("given", ["other/x", "custom/", "intel/a/b", "", "/x"])
def test_list_names_no_rule_consults_are_refused(given: str) -> None:
    with pytest.raises(ConfigError, match="threat list name"):
        list_name(given)


def test_list_option_syntax() -> None:
    assert parse_list_option("intel/feed=lists/feed.csv") == ("intel/feed", "lists/feed.csv")
    assert parse_list_option("mine=a=b.txt") == ("custom/mine", "a=b.txt")
    for bad in ("lists/feed.csv", "=x.txt", "name="):
        with pytest.raises(ConfigError, match="NAME=PATH"):
            parse_list_option(bad)
