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

from kubeguard.findings import ExceptionRule
from kubeguard.model import ConfigError, Severity, SourceLocation
from kubeguard.sources.yaml_documents import Document, read_documents

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

    level: str | None = None
    version: str | None = None


class Config(BaseModel):
    """Validated configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fail_on: Severity | None = None
    """Default for ``--fail-on``."""
    pss: _PssSection = _PssSection()
    allowed_registries: list[str] = []
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


def load_config(path: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or ``.kubeguard.yaml`` if present) and apply ``KUBEGUARD_*`` variables."""
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    file = Path(path) if path else Path(DEFAULT_CONFIG_FILE)
    if path or file.exists():
        data = _read(file)
    if "KUBEGUARD_FAIL_ON" in environ:
        data["fail_on"] = environ["KUBEGUARD_FAIL_ON"]
    pss = dict(data.get("pss") or {})
    if "KUBEGUARD_PSS_LEVEL" in environ:
        pss["level"] = environ["KUBEGUARD_PSS_LEVEL"]
    if "KUBEGUARD_PSS_VERSION" in environ:
        pss["version"] = environ["KUBEGUARD_PSS_VERSION"]
    if pss:
        data["pss"] = pss
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"invalid configuration at {where}: {first['msg']}"
            + (f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""),
            location=SourceLocation(str(file)),
        ) from None


def _read(file: Path) -> dict[str, Any]:
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
    return dict(first.value)
