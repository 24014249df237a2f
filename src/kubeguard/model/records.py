"""Immutable records that a scan creates by the tens of thousands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

_Record = TypeVar("_Record")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen_record(cls: type[_Record]) -> type[_Record]:
    """A dataclass the type checker holds frozen, without a frozen dataclass's cost at run time.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: five times
    slower than a plain one (1.7 µs against 0.3 µs for a finding), and a scan of 1,600 objects
    builds some 60,000 findings, locations and evidence records. No code may assign to a record
    (the type checker refuses it); records hash by value as frozen ones do, and change only
    through ``dataclasses.replace``.
    """
    return dataclass(slots=True, unsafe_hash=True)(cls)
