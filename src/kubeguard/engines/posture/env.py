"""A container's environment: its ``env`` entries and ``envFrom`` sources, read defensively.

An ``env`` entry sets ``value`` (literal text, where ``$(NAME)`` expands an earlier variable) or
``valueFrom`` (a ``secretKeyRef``, ``configMapKeyRef``, ``fieldRef`` or ``resourceFieldRef``); an
``envFrom`` source imports every key of a ``secretRef`` or ``configMapRef``, prefixed by
``prefix``. Entries that are not mappings, and names that are not strings, are skipped here and
reported by the engine's shape check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.views import ContainerView, as_list, as_str


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One well-formed ``env`` entry."""

    index: int
    name: str
    raw: Mapping[str, Any]

    @property
    def value(self) -> str | None:
        """The literal ``value``, if it is a string."""
        return as_str(self.raw.get("value"))

    @property
    def value_from(self) -> Mapping[str, Any]:
        """``valueFrom``, empty if absent or malformed."""
        source = self.raw.get("valueFrom")
        return source if isinstance(source, Mapping) else {}


def env_vars(container: ContainerView) -> Iterator[EnvVar]:
    """The container's ``env`` entries that are mappings with a string name."""
    for index, entry in enumerate(as_list(container.field("env"))):
        if isinstance(entry, Mapping):
            name = as_str(entry.get("name"))
            if name:
                yield EnvVar(index, name, entry)


def env_from(container: ContainerView) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(index, source)`` of the container's well-formed ``envFrom`` sources."""
    for index, source in enumerate(as_list(container.field("envFrom"))):
        if isinstance(source, Mapping):
            yield index, source
