"""What a ``COPY`` or ``ADD`` source is: a remote URL, a Git repository, a local archive."""

from __future__ import annotations

#: Suffixes of the archives ``ADD`` extracts (tar, possibly compressed).
ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
)
_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://", "ftp://")


def is_remote(source: str) -> bool:
    """A URL or a Git repository, which ``ADD`` fetches at build time."""
    return source.lower().startswith(_REMOTE_PREFIXES)


def is_archive(source: str) -> bool:
    """A local file that ``ADD`` would extract."""
    return source.lower().endswith(ARCHIVE_SUFFIXES)
