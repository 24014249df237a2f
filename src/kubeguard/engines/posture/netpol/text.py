"""Wording shared by netpol messages."""

from __future__ import annotations

from collections.abc import Sequence


def listing(items: Sequence[str], shown: int = 5) -> str:
    """``a, b, c`` or ``a, b, c and 4 more`` when there are more than ``shown`` items."""
    text = ", ".join(items[:shown])
    return text + (f" and {len(items) - shown} more" if len(items) > shown else "")
