"""The one configuration file, ``.kubeguard.yaml``, validated with pydantic (see :mod:`.schema`).

Precedence: command-line flags > ``KUBEGUARD_*`` environment variables > the file > defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubeguard.engines.posture import PssLevel
from kubeguard.findings import ExceptionRule
from kubeguard.model import ConfigError, Severity, SourceLocation, line_of
from kubeguard.yaml_documents import Document, read_documents

#: The file looked for in the working folder when no ``--config`` is given.
DEFAULT_CONFIG_FILE = ".kubeguard.yaml"


@dataclass(frozen=True, slots=True)
class PssConfig:
    """The ``pss`` section."""

    level: PssLevel | None = None
    version: str | None = None
    """A version ``parse_pss_version`` accepts (``v1.N`` or ``latest``)."""


@dataclass(frozen=True, slots=True)
class VulnerabilityDbConfig:
    """The ``vulnerability_db`` section."""

    path: str | None = None
    """The database file [default: KUBEGUARD_DB, else the user's data folder]."""
    feeds: tuple[str, ...] = ()
    """URLs ``kubeguard db update`` fetches: OSV zips or records, Alpine secdb, Debian tracker."""


@dataclass(frozen=True, slots=True)
class Config:
    """Validated configuration; the defaults when there is no file."""

    fail_on: Severity | None = None
    """Default for ``--fail-on``."""
    pss: PssConfig = field(default_factory=PssConfig)
    allowed_registries: tuple[str, ...] = ()
    vulnerability_db: VulnerabilityDbConfig = field(default_factory=VulnerabilityDbConfig)
    exceptions: tuple[ExceptionRule, ...] = ()


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
    if not data:
        # Validating nothing gives the defaults: no need to load pydantic and build the schema.
        return Config()
    from pydantic import ValidationError

    try:
        return parse_config(data)
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


def parse_config(data: Mapping[str, Any]) -> Config:
    """Validate ``data`` as the contents of a config file; raises pydantic's ``ValidationError``."""
    from kubeguard.config.schema import validate_config

    return validate_config(data)


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
