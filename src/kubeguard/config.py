"""The one configuration file, ``.kubeguard.yaml``, validated with pydantic.

Precedence: command-line flags > ``KUBEGUARD_*`` environment variables > the file > defaults.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kubeguard.engines.posture import PssLevel, parse_pss_version
from kubeguard.findings import ExceptionRule
from kubeguard.model import ConfigError, Severity, SourceLocation, line_of
from kubeguard.yaml_documents import Document, read_documents

#: The file looked for in the working folder when no ``--config`` is given.
DEFAULT_CONFIG_FILE = ".kubeguard.yaml"


class _ExceptionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    controls: list[str] = Field(min_length=1)
    reason: str = Field(min_length=1)
    namespaces: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    expires: datetime.date | None = None

    @field_validator("controls", "namespaces", "names", "kinds", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class _PssSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: PssLevel | None = None
    version: str | None = None

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_pss_version(value)
            except ConfigError as error:
                raise ValueError(error.message) from None
        return value


class _VulnerabilityDbSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str | None = None
    """The database file [default: KUBEGUARD_DB, else the user's data folder]."""
    feeds: list[str] = []
    """URLs ``kubeguard db update`` fetches: OSV zips or records, Alpine secdb, Debian tracker."""


class Config(BaseModel):
    """Validated configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fail_on: Severity | None = None
    """Default for ``--fail-on``."""
    pss: _PssSection = _PssSection()
    allowed_registries: list[str] = []
    vulnerability_db: _VulnerabilityDbSection = _VulnerabilityDbSection()
    exceptions_: list[_ExceptionEntry] = Field(default=[], alias="exceptions")

    @property
    def exceptions(self) -> list[ExceptionRule]:
        """The exception entries as rules."""
        return [
            ExceptionRule(
                controls=tuple(entry.controls),
                reason=entry.reason,
                namespaces=tuple(entry.namespaces),
                names=tuple(entry.names),
                kinds=tuple(entry.kinds),
                expires=entry.expires,
            )
            for entry in self.exceptions_
        ]


#: Environment variables that override a field of the file, by the field's path.
ENVIRONMENT: dict[tuple[str, ...], str] = {
    ("fail_on",): "KUBEGUARD_FAIL_ON",
    ("pss", "level"): "KUBEGUARD_PSS_LEVEL",
    ("pss", "version"): "KUBEGUARD_PSS_VERSION",
}


def load_config(path: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or ``.kubeguard.yaml`` if present) and apply ``KUBEGUARD_*`` variables."""
    environ = os.environ if environ is None else environ
    document: Any = {}
    file = Path(path) if path else Path(DEFAULT_CONFIG_FILE)
    if path or file.exists():
        document = read_config_file(file)
    data = dict(document)
    overridden: dict[tuple[str, ...], str] = {}
    for field_path, variable in ENVIRONMENT.items():
        if variable in environ:
            _set(data, field_path, environ[variable])
            overridden[field_path] = variable
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(str(part) for part in first["loc"])
        more = f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""
        culprit = overridden.get(loc)
        if culprit is not None:
            raise ConfigError(f"invalid {culprit}: {first['msg']}{more}") from None
        raise ConfigError(
            f"invalid configuration at {'.'.join(loc)}: {first['msg']}{more}",
            location=SourceLocation(str(file), line_of(document, tuple(first["loc"]))),
        ) from None


def _set(data: dict[str, Any], field_path: tuple[str, ...], value: str) -> None:
    """Set a (possibly nested) field, copying the sections it passes through.

    A section the file wrote as something other than a mapping is left for validation to report.
    """
    *sections, name = field_path
    target = data
    for section in sections:
        existing = target.get(section)
        if existing is not None and not isinstance(existing, dict):
            return
        target[section] = dict(existing or {})
        target = target[section]
    target[name] = value


def read_config_file(file: Path) -> Any:
    """The first YAML document of ``file`` as a mapping that remembers lines (``{}`` if empty)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read config file: {error}", location=SourceLocation(str(file))
        ) from None
    documents = list(read_documents(text, str(file)))
    if not documents:
        return {}
    first = documents[0]
    if not isinstance(first, Document):
        raise ConfigError(first.message, location=first.location)
    if first.value is None:
        return {}
    if not isinstance(first.value, dict):
        raise ConfigError("config file must be a mapping", location=first.location)
    # Kept as read (a LineMap), so a validation error can name the line of the field.
    return first.value
