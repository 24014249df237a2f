"""What a report shows, chosen by the user."""

from __future__ import annotations

from dataclasses import dataclass

from kubeguard.model import Severity


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """Choices common to every output format."""

    show_suppressed: bool = False
    """List suppressed findings (they are always counted)."""
    show_passed: bool = False
    """Include PASS results (formats that list tests, such as JUnit, always do)."""
    verbose: bool = False
    """Include notes such as skipped non-Kubernetes documents."""
    color: bool = True
    """Colour in the terminal report."""
    fail_on: Severity | None = None
    """The ``--fail-on`` threshold, shown in the summary."""
    width: int | None = None
    """Terminal width; ``None`` to detect it."""
