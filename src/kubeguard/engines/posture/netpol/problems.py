"""A field of a policy that the API server would reject, and how kubeguard reads it instead."""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.model import FieldPath


@dataclass(frozen=True, slots=True)
class Problem:
    """One malformed field: where it is and what is wrong with it."""

    path: FieldPath
    """Path from the object root to the field."""
    message: str
    """What is wrong, and how kubeguard reads it (a part it cannot read allows nothing)."""
