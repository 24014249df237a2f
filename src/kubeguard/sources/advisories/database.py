"""The local vulnerability database: one SQLite file of advisories and image inventories.

Advisories are indexed by ``(ecosystem, release, name)`` of the packages they affect, so a scan
asks one query per ecosystem for all of an image's packages. Ranges, versions and ratings are
stored as JSON next to the key: the matcher needs them whole, and SQL never filters on them.
The file also records when it was built, what was imported from where (with the number of
advisories and problems), and the inventory of every image scanned, by digest, so that a later
``image rescan`` matches them against new advisories without pulling them again.

The file lives in the user's data folder (``$XDG_DATA_HOME/kubeguard/vulnerability.db``, by
default ``~/.local/share/…``) unless ``--db`` or ``KUBEGUARD_DB`` name another.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.advisory import (
    Advisory,
    AdvisoryMatch,
    AffectedPackage,
    AffectedRange,
    AffectedState,
    EventKind,
    RangeEvent,
    RangeType,
    ScoreType,
    SeverityScore,
)
from kubeguard.model.finding import Severity
from kubeguard.model.image import ImageInventory, inventory_as_dict, inventory_from_dict

DATABASE_VARIABLE = "KUBEGUARD_DB"
SCHEMA_VERSION = "1"
#: SQLite binds at most 32,766 parameters per statement; stay well below.
_QUERY_CHUNK = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    location TEXT PRIMARY KEY, kind TEXT NOT NULL, imported_at TEXT NOT NULL,
    advisories INTEGER NOT NULL, problems INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS advisories (
    id INTEGER PRIMARY KEY, origin TEXT NOT NULL, vuln_id TEXT NOT NULL,
    aliases TEXT NOT NULL, summary TEXT NOT NULL, severity TEXT NOT NULL,
    published TEXT, modified TEXT, withdrawn TEXT,
    UNIQUE (origin, vuln_id)
);
CREATE TABLE IF NOT EXISTS affected (
    advisory INTEGER NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    ecosystem TEXT NOT NULL, release TEXT NOT NULL, name TEXT NOT NULL,
    state TEXT NOT NULL, note TEXT, severity TEXT NOT NULL,
    ranges TEXT NOT NULL, versions TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_package ON affected (ecosystem, release, name);
CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory);
CREATE TABLE IF NOT EXISTS inventories (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, scanned_at TEXT NOT NULL, data BLOB NOT NULL
);
"""


#: The entries of some packages of one ecosystem and release; ``{marks}`` becomes ``?,?,…``.
_CANDIDATES = (
    "SELECT a.id, a.origin, a.vuln_id, a.aliases, a.summary, a.severity, a.published,"
    " a.modified, a.withdrawn, f.name, f.state, f.note, f.severity, f.ranges, f.versions"
    " FROM affected f JOIN advisories a ON a.id = f.advisory"
    " WHERE f.ecosystem = ? AND f.release = ? AND f.name IN ({marks})"
)


class AdvisoryDatabaseError(SourceError):
    """The database file cannot be opened, is not a kubeguard database, or is damaged."""


def default_database_path(environ: Mapping[str, str] | None = None) -> Path:
    """``KUBEGUARD_DB``, else ``vulnerability.db`` in the user's data folder."""
    environ = os.environ if environ is None else environ
    if environ.get(DATABASE_VARIABLE):
        return Path(environ[DATABASE_VARIABLE])
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "kubeguard" / "vulnerability.db"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One imported file, folder or URL."""

    location: str
    kind: str
    """``file`` or ``url``."""
    imported_at: str
    advisories: int
    problems: int


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """What ``db status`` shows."""

    path: str
    built_at: str | None
    """When advisories were last imported (UTC, ISO 8601); ``None`` for an empty database."""
    advisories: int
    withdrawn: int
    affected: int
    """Package entries (one advisory may affect many packages and releases)."""
    not_affected: int
    by_ecosystem: Mapping[str, int]
    """Package entries by ecosystem."""
    problems: int
    """Problems met during the imports recorded in :attr:`sources`."""
    images: int
    """Image inventories kept for ``image rescan``."""
    sources: tuple[SourceStatus, ...]

    def age(self, now: datetime.datetime | None = None) -> datetime.timedelta | None:
        """Time since the last import."""
        if self.built_at is None:
            return None
        now = now or datetime.datetime.now(datetime.UTC)
        return now - datetime.datetime.fromisoformat(self.built_at)


def utc_now() -> str:
    """The current time as stored: UTC, seconds, ISO 8601."""
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


class AdvisoryDatabase:
    """An open database file; an :class:`~kubeguard.model.advisory.AdvisoryFeed`."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        where = SourceLocation(str(path))
        if not create and not path.is_file():
            raise AdvisoryDatabaseError(
                "no vulnerability database here: run `kubeguard db import` or `kubeguard db update`",
                location=where,
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise AdvisoryDatabaseError(f"cannot open: {error}", location=where) from None
        try:
            self._connection.execute("PRAGMA foreign_keys = ON")
            version = self._schema_version()
            if version is None:
                self._connection.executescript(_SCHEMA)
                self._set_meta("schema_version", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise AdvisoryDatabaseError(
                    f"schema version {version}, this kubeguard reads {SCHEMA_VERSION}: "
                    "delete the file and import again",
                    location=where,
                )
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise AdvisoryDatabaseError(
                f"not a kubeguard vulnerability database: {error}", location=where
            ) from None
        except AdvisoryDatabaseError:
            self._connection.close()
            raise

    def _schema_version(self) -> str | None:
        tables = {row[0] for row in self._connection.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return None
        if "meta" not in tables:
            return "unknown"
        row = self._connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        return str(row[0]) if row else "unknown"

    def __enter__(self) -> AdvisoryDatabase:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    # -- writing ------------------------------------------------------------------------------

    def transaction(self) -> _Transaction:
        """A write transaction: committed on success, rolled back on an exception."""
        return _Transaction(self._connection)

    def store(self, advisory: Advisory) -> None:
        """Add or replace one advisory.

        An OSV record replaces the stored record of the same id whole. Distribution feeds spread
        one CVE over several files (one per branch and repository), so theirs replace only the
        entries for the same ecosystem, release and package.
        """
        connection = self._connection
        row = connection.execute(
            "INSERT INTO advisories (origin, vuln_id, aliases, summary, severity, published,"
            " modified, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (origin, vuln_id) DO UPDATE SET aliases = excluded.aliases,"
            " summary = CASE WHEN excluded.summary = '' THEN summary ELSE excluded.summary END,"
            " severity = excluded.severity, published = excluded.published,"
            " modified = excluded.modified, withdrawn = excluded.withdrawn RETURNING id",
            (
                advisory.origin,
                advisory.id,
                _json(list(advisory.aliases)),
                advisory.summary,
                _json(_scores(advisory.severity)),
                advisory.published,
                advisory.modified,
                advisory.withdrawn,
            ),
        ).fetchone()
        key = row[0]
        if advisory.origin == "osv":
            connection.execute("DELETE FROM affected WHERE advisory = ?", (key,))
        else:
            connection.executemany(
                "DELETE FROM affected WHERE advisory = ? AND ecosystem = ? AND release = ?"
                " AND name = ?",
                [(key, a.ecosystem, a.release, a.name) for a in advisory.affected],
            )
        connection.executemany(
            "INSERT INTO affected (advisory, ecosystem, release, name, state, note, severity,"
            " ranges, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key,
                    entry.ecosystem,
                    entry.release,
                    entry.name,
                    entry.state.value,
                    entry.note,
                    _json(_scores(entry.severity)),
                    _json(_ranges(entry.ranges)),
                    _json(list(entry.versions)),
                )
                for entry in advisory.affected
            ],
        )

    def record_source(self, source: SourceStatus) -> None:
        """Note an import of ``source`` and mark the database built now."""
        self._connection.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (source.location, source.kind, source.imported_at, source.advisories, source.problems),
        )
        self._set_meta("built_at", source.imported_at)

    def _set_meta(self, key: str, value: str) -> None:
        self._connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def save_inventory(
        self, inventory: ImageInventory, name: str, scanned_at: str | None = None
    ) -> None:
        """Keep ``inventory`` under its digest (``name``: how findings name the image)."""
        self._connection.execute(
            "INSERT OR REPLACE INTO inventories VALUES (?, ?, ?, ?)",
            (
                inventory.key,
                name,
                scanned_at or utc_now(),
                orjson.dumps(inventory_as_dict(inventory)),
            ),
        )

    # -- reading ------------------------------------------------------------------------------

    def inventories(self) -> Iterator[tuple[str, ImageInventory | SourceError]]:
        """Every kept inventory with its name (a damaged one as a problem), oldest scan first."""
        rows = self._connection.execute(
            "SELECT key, name, data FROM inventories ORDER BY scanned_at, key"
        ).fetchall()
        for key, name, data in rows:
            try:
                yield name, inventory_from_dict(orjson.loads(data))
            except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as error:
                yield (
                    name,
                    AdvisoryDatabaseError(
                        f"stored inventory of {key} is damaged: {error}",
                        location=SourceLocation(str(self.path)),
                    ),
                )

    def advisories_for(
        self, ecosystem: str, release: str, names: Collection[str]
    ) -> Mapping[str, Sequence[AdvisoryMatch]]:
        """Entries of ``ecosystem``/``release`` for each of ``names``."""
        found: dict[str, list[AdvisoryMatch]] = defaultdict(list)
        unique = sorted(set(names))
        cache: dict[int, Advisory] = {}
        for start in range(0, len(unique), _QUERY_CHUNK):
            chunk = unique[start : start + _QUERY_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                _CANDIDATES.replace("{marks}", marks), (ecosystem, release, *chunk)
            )
            for row in rows:
                entry = AffectedPackage(
                    ecosystem=ecosystem,
                    release=release,
                    name=row[9],
                    state=_STATES[row[10]],
                    note=row[11],
                    severity=_scores_from(row[12]),
                    ranges=_ranges_from(row[13]),
                    versions=tuple(orjson.loads(row[14])),
                )
                advisory = cache.get(row[0])
                if advisory is None:
                    advisory = cache[row[0]] = Advisory(
                        id=row[2],
                        aliases=tuple(orjson.loads(row[3])),
                        summary=row[4],
                        severity=_scores_from(row[5]),
                        published=row[6],
                        modified=row[7],
                        withdrawn=row[8],
                        origin=row[1],
                    )
                found[entry.name].append(AdvisoryMatch(advisory, entry))
        return found

    def built_at(self) -> str | None:
        """When advisories were last imported (UTC, ISO 8601), ``None`` if never."""
        row = self._connection.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
        return str(row[0]) if row else None

    def status(self) -> DatabaseStatus:
        """Build time, counts and sources."""
        connection = self._connection

        def count(sql: str) -> int:
            return int(connection.execute(sql).fetchone()[0])

        by_ecosystem = dict(
            connection.execute(
                "SELECT ecosystem, COUNT(*) FROM affected GROUP BY ecosystem ORDER BY ecosystem"
            ).fetchall()
        )
        sources = tuple(
            SourceStatus(*row)
            for row in connection.execute(
                "SELECT location, kind, imported_at, advisories, problems FROM sources"
                " ORDER BY imported_at, location"
            )
        )
        return DatabaseStatus(
            path=str(self.path),
            built_at=self.built_at(),
            advisories=count("SELECT COUNT(*) FROM advisories"),
            withdrawn=count("SELECT COUNT(*) FROM advisories WHERE withdrawn IS NOT NULL"),
            affected=count("SELECT COUNT(*) FROM affected"),
            not_affected=count("SELECT COUNT(*) FROM affected WHERE state = 'not_affected'"),
            by_ecosystem=by_ecosystem,
            problems=sum(source.problems for source in sources),
            images=count("SELECT COUNT(*) FROM inventories"),
            sources=sources,
        )


class _Transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> None:
        self._connection.execute("BEGIN")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._connection.execute("ROLLBACK" if kind is not None else "COMMIT")


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _scores(scores: Iterable[SeverityScore]) -> list[list[Any]]:
    return [
        [s.type.value, s.vector, s.score, s.severity.value if s.severity else None] for s in scores
    ]


# Enum lookups by value through dicts: calling the enum class costs several times more, and a
# scan decodes tens of thousands of these.
_SCORE_TYPES = {member.value: member for member in ScoreType}
_SEVERITIES = {member.value: member for member in Severity}
_RANGE_TYPES = {member.value: member for member in RangeType}
_EVENT_KINDS = {member.value: member for member in EventKind}
_STATES = {member.value: member for member in AffectedState}


def _scores_from(text: str) -> tuple[SeverityScore, ...]:
    return tuple(
        SeverityScore(_SCORE_TYPES[kind], vector, score, _SEVERITIES.get(severity))
        for kind, vector, score, severity in orjson.loads(text)
    )


def _ranges(ranges: Iterable[AffectedRange]) -> list[list[Any]]:
    return [[r.type.value, r.repo, [[e.kind.value, e.version] for e in r.events]] for r in ranges]


def _ranges_from(text: str) -> tuple[AffectedRange, ...]:
    return tuple(
        AffectedRange(RangeType(kind), tuple(RangeEvent(EventKind(k), v) for k, v in events), repo)
        for kind, repo, events in orjson.loads(text)
    )
