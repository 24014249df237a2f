"""Threat-intelligence lists from files: IP/CIDR lists (plain text or CSV) and Tor exit lists.

Every list becomes an :class:`~kubeguard.model.addresses.AddressSet`, which the detection rules
consult by name: ``custom/<name>`` for your own lists (GuardDuty's ``MaliciousIPCaller.Custom``
findings), ``intel/<name>`` for threat-intelligence feeds (``MaliciousIPCaller``) and ``tor`` for
Tor exit nodes (``TorIPCaller``). Files may be gzip-compressed.

Formats, recognised line by line so one file may mix them:

- **Plain text**: one address or network per line (``203.0.113.7``, ``198.51.100.0/24``,
  ``2001:db8::/32``); blank lines and lines starting with ``#``, ``;`` or ``//`` are skipped; text
  after the entry (a trailing ``# comment``, ``; SBL123`` as in Spamhaus DROP, or anything after
  whitespace) becomes the entry's label.
- **CSV** (a ``.csv``/``.tsv`` file, or one whose first entry line has a comma or a tab): one
  column holds the addresses. A first row with no address in it is a header; the column is then
  the one named like ``ip``, ``address``, ``cidr``, ``network``, ``indicator`` …, otherwise the
  first column holding an address in the first data row. The other columns become the label
  (``malware=Dridex, dst_port=443``).
- **Tor exit list**: the format the Tor project publishes
  (``https://check.torproject.org/exit-addresses``): ``ExitNode <fingerprint>``, ``Published``,
  ``LastStatus`` and ``ExitAddress <ip> <date> <time>`` lines; the exit node's fingerprint is the
  label. The plain "bulk exit list" (one address per line) is plain text.

A line that is none of these is reported with its file and line, counted, and skipped; the rest of
the file loads. A file that cannot be read raises :class:`~kubeguard.model.SourceError`.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from kubeguard.model import ConfigError, SourceError, SourceLocation
from kubeguard.model.addresses import AddressSet, Network, NetworkSyntaxError, parse_network

#: The list Tor exit files load into.
TOR_LIST = "tor"
#: Name prefixes of lists, and the GuardDuty findings they feed.
CUSTOM_PREFIX = "custom/"
INTEL_PREFIX = "intel/"
#: Problems listed one by one per file; the rest are only counted.
MAX_LISTED_PROBLEMS = 20
#: Longest label kept for an entry.
MAX_LABEL = 200

_COMMENTS = ("#", ";", "//")
_GZIP_MAGIC = b"\x1f\x8b"
_CSV_SUFFIXES = {".csv": ",", ".tsv": "\t"}
_ADDRESS_COLUMNS = (
    "ip",
    "ip_address",
    "ipaddress",
    "ip address",
    "address",
    "addr",
    "cidr",
    "network",
    "net",
    "prefix",
    "dst_ip",
    "src_ip",
    "indicator",
    "ioc",
    "value",
)
_TOR_METADATA = ("ExitNode", "Published", "LastStatus")
_TOR_ADDRESS = "ExitAddress"


@dataclass(frozen=True, slots=True)
class ListProblem:
    """A line of a list file that is not an entry, and why."""

    location: SourceLocation
    reason: str
    whole_file: bool = False
    """The file itself could not be read (from the start or to its end)."""

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(slots=True)
class LoadedList:
    """One named list and what reading its files gave."""

    name: str
    addresses: AddressSet = field(default_factory=AddressSet)
    files: list[str] = field(default_factory=list)
    lines: int = 0
    """Lines read, over all its files."""
    rejected: int = 0
    """Lines that were neither an entry, a comment nor blank."""
    problems: list[ListProblem] = field(default_factory=list)
    """The first :data:`MAX_LISTED_PROBLEMS` rejected lines of each file, with the reason."""
    unlisted: dict[str, int] = field(default_factory=dict)
    """Rejected lines beyond those listed, by file."""


def list_name(name: str) -> str:
    """The full name of a list given on the command line: ``blocklist`` is ``custom/blocklist``.

    Raises :class:`~kubeguard.model.ConfigError` for a name that no rule could consult.
    """
    text = name.strip()
    if text == TOR_LIST:
        return TOR_LIST
    kind, slash, rest = text.partition("/")
    if not slash:
        kind, rest = CUSTOM_PREFIX[:-1], text
    if f"{kind}/" not in (CUSTOM_PREFIX, INTEL_PREFIX) or not rest or "/" in rest:
        raise ConfigError(
            f"threat list name {name!r}: use custom/<name> (or just <name>), intel/<name> or tor"
        )
    return f"{kind}/{rest}"


def parse_list_option(text: str) -> tuple[str, str]:
    """``NAME=PATH`` as given to ``--threat-list``: the full list name and the path."""
    name, equals, path = text.partition("=")
    if not equals or not name.strip() or not path:
        raise ConfigError(f"{text!r}: write NAME=PATH, e.g. blocklist=blocked-ips.txt")
    return list_name(name), path


def load_lists(
    named_files: Iterable[tuple[str, str | Path]], tor_files: Iterable[str | Path] = ()
) -> dict[str, LoadedList]:
    """Every list, by full name; files given under the same name are merged into one list.

    A file that cannot be read is one :class:`ListProblem` of its list (``whole_file``); what
    was read of it before the failure stays loaded.
    """
    loaded: dict[str, LoadedList] = {}
    for name, path in [*named_files, *((TOR_LIST, path) for path in tor_files)]:
        target = loaded.setdefault(list_name(name), LoadedList(list_name(name)))
        try:
            read_list_file(path, target)
        except SourceError as error:
            where = error.location or SourceLocation(str(path))
            target.problems.append(ListProblem(where, error.message, whole_file=True))
    return loaded


def read_list_file(path: str | Path, into: LoadedList) -> LoadedList:
    """Add the entries of one file to ``into`` (see the module docstring for the formats)."""
    name = str(path)
    into.files.append(name)
    try:
        with Path(path).open("rb") as raw:
            for number, line, reason in _entries(name, _text_lines(raw)):
                into.lines += 1
                if reason is not None:
                    _reject(into, ListProblem(SourceLocation(name, number), reason))
                elif line is not None:
                    into.addresses.add(*line)
    except (OSError, EOFError, zlib.error, UnicodeError, csv.Error) as error:
        raise SourceError(
            f"cannot read threat list {into.name}: {_reason(error)}",
            location=SourceLocation(name),
        ) from None
    return into


def _reject(into: LoadedList, problem: ListProblem) -> None:
    into.rejected += 1
    path = problem.location.path
    listed = sum(1 for item in into.problems if item.location.path == path)
    if listed < MAX_LISTED_PROBLEMS:
        into.problems.append(problem)
    else:
        into.unlisted[path] = into.unlisted.get(path, 0) + 1


def _text_lines(raw: io.BufferedReader) -> Iterator[str]:
    binary: IO[bytes] = raw
    if raw.peek(2)[:2] == _GZIP_MAGIC:
        binary = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    with io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="") as text:
        yield from text


#: What one line gave: its number, the entry and label (or ``None``), the reason it was rejected.
_Line = tuple[int, tuple[Network, str | None] | None, str | None]


def _entries(name: str, lines: Iterable[str]) -> Iterator[_Line]:
    delimiter = _CSV_SUFFIXES.get(Path(name).suffix.lower())
    reader: _CsvReader | None = None
    exit_node: str | None = None
    sniffed = False
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith(_COMMENTS):
            yield number, None, None
            continue
        keyword, _, rest = text.partition(" ")
        if keyword in _TOR_METADATA:
            if keyword == "ExitNode":
                exit_node = rest.strip() or None
            yield number, None, None
            continue
        if keyword == _TOR_ADDRESS:
            address = rest.split()[0] if rest.split() else ""
            node = f"Tor exit node {exit_node}" if exit_node else "Tor exit node"
            yield number, *_entry(address, node)
            continue
        if not sniffed:
            sniffed = True
            delimiter = delimiter or _sniffed_delimiter(text)
        if delimiter is not None:
            reader = reader or _CsvReader(delimiter)
            yield number, *reader.row(line)
            continue
        entry, label = _split_label(text)
        yield number, *_entry(entry, label)


def _sniffed_delimiter(text: str) -> str | None:
    """``,`` or a tab when the first entry line is a CSV row (a comment may hold commas)."""
    head = _split_label(text)[0] if text[:1] != '"' else text
    if "," in head:
        return ","
    return "\t" if "\t" in text.partition("#")[0] and not _is_network(text.split()[0]) else None


def _split_label(text: str) -> tuple[str, str | None]:
    """``198.51.100.0/24 ; SBL123`` is the entry and its label."""
    cut = min((position for mark in ("#", ";") if (position := text.find(mark)) >= 0), default=-1)
    head, tail = (text[:cut], text[cut + 1 :]) if cut >= 0 else (text, "")
    entry, _, rest = head.strip().partition(" ")
    if "\t" in entry:
        entry, _, more = entry.partition("\t")
        rest = f"{more} {rest}"
    label = " ".join(part for part in (rest.strip(), tail.strip()) if part)
    return entry.strip(), label or None


def _entry(text: str, label: str | None) -> tuple[tuple[Network, str | None] | None, str | None]:
    try:
        network = parse_network(text)
    except NetworkSyntaxError as error:
        return None, str(error)
    return (network, label[:MAX_LABEL] if label else None), None


class _CsvReader:
    """Rows of a CSV list: finds the header and the address column, labels from the rest."""

    def __init__(self, delimiter: str) -> None:
        self._delimiter = delimiter
        self._header: list[str] | None = None
        self._column: int | None = None
        self._first = True

    def row(self, line: str) -> tuple[tuple[Network, str | None] | None, str | None]:
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=self._delimiter))]
        if self._first:
            self._first = False
            if not any(_is_network(cell) for cell in cells):
                self._header = cells
                self._column = _named_column(cells)
                return None, None
        if self._column is None:
            found = next((index for index, cell in enumerate(cells) if _is_network(cell)), None)
            if found is None:
                return None, "no IP address or network in this row"
            self._column = found
        if self._column >= len(cells):
            return (
                None,
                f"row has {len(cells)} columns, the addresses are in column {self._column + 1}",
            )
        others = [
            (self._header[index] if self._header and index < len(self._header) else "", cell)
            for index, cell in enumerate(cells)
            if index != self._column and cell
        ]
        label = ", ".join(f"{name}={cell}" if name else cell for name, cell in others)
        return _entry(cells[self._column], label or None)


def _named_column(header: list[str]) -> int | None:
    lowered = [cell.lower() for cell in header]
    for name in _ADDRESS_COLUMNS:
        if name in lowered:
            return lowered.index(name)
    return None


def _is_network(text: str) -> bool:
    try:
        parse_network(text)
    except NetworkSyntaxError:
        return False
    return True


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {error}"
