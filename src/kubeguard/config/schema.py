"""The schema of ``.kubeguard.yaml``, validated with pydantic.

Imported only when there is something to validate (a config file or a ``KUBEGUARD_*`` variable):
pydantic and the models built from this schema take longer to import than reading most inputs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kubeguard.config import Config, PssConfig, VulnerabilityDbConfig
from kubeguard.engines.posture import PssLevel, parse_pss_version
from kubeguard.findings import ExceptionRule
from kubeguard.model import ConfigError, Severity


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

    def to_rule(self) -> ExceptionRule:
        """The entry as the rule that findings are matched against."""
        return ExceptionRule(
            controls=tuple(self.controls),
            reason=self.reason,
            namespaces=tuple(self.namespaces),
            names=tuple(self.names),
            kinds=tuple(self.kinds),
            expires=self.expires,
        )


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


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fail_on: Severity | None = None
    """Default for ``--fail-on``."""
    pss: _PssSection = _PssSection()
    allowed_registries: list[str] = []
    vulnerability_db: _VulnerabilityDbSection = _VulnerabilityDbSection()
    exceptions: list[_ExceptionEntry] = []


def validate_config(data: Mapping[str, Any]) -> Config:
    """``data`` (the file's mapping, variables applied) as a :class:`Config`.

    Raises pydantic's ``ValidationError``, whose errors carry the path of each bad field.
    """
    file = _ConfigFile.model_validate(data)
    return Config(
        fail_on=file.fail_on,
        pss=PssConfig(level=file.pss.level, version=file.pss.version),
        allowed_registries=tuple(file.allowed_registries),
        vulnerability_db=VulnerabilityDbConfig(
            path=file.vulnerability_db.path, feeds=tuple(file.vulnerability_db.feeds)
        ),
        exceptions=tuple(entry.to_rule() for entry in file.exceptions),
    )
