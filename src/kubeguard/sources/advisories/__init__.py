"""Vulnerability advisories: OSV and distribution feeds, and the local database that keeps them."""

from kubeguard.sources.advisories.database import (
    DATABASE_VARIABLE,
    AdvisoryDatabase,
    AdvisoryDatabaseError,
    DatabaseStatus,
    SourceStatus,
    default_database_path,
    utc_now,
)
from kubeguard.sources.advisories.importer import ReadItem, read_advisories, read_document

__all__ = [
    "DATABASE_VARIABLE",
    "AdvisoryDatabase",
    "AdvisoryDatabaseError",
    "DatabaseStatus",
    "ReadItem",
    "SourceStatus",
    "default_database_path",
    "read_advisories",
    "read_document",
    "utc_now",
]
