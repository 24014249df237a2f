"""Errors that know where they came from.

Every error raised inside kubeguard derives from :class:`KubeguardError` and may carry a
:class:`~kubeguard.model.resource.SourceLocation`, so the CLI can print one line that names the
input and the position. Each stage has one base class; implementations subclass those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubeguard.model.resource import SourceLocation


class KubeguardError(Exception):
    """Base of every error kubeguard raises on purpose."""

    def __init__(self, message: str, *, location: SourceLocation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __reduce__(self) -> tuple[object, ...]:
        # Errors travel between worker processes; keep the keyword-only location.
        return (type(self), (self.message,), {"location": self.location})

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class SourceError(KubeguardError):
    """An input could not be read or parsed."""


class ConfigError(KubeguardError):
    """The configuration file, an environment variable or a flag is invalid."""


class RuleError(KubeguardError):
    """A detection rule file is invalid."""


class ControlError(KubeguardError):
    """A control raised while evaluating an object."""
