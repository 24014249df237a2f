"""Exit codes shared by every command."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What the process exit status means."""

    CLEAN = 0
    """Nothing failed at or above the ``--fail-on`` threshold."""
    FINDINGS = 1
    """Failing findings at or above the threshold."""
    USAGE = 2
    """Usage or configuration error."""
    INCOMPLETE = 3
    """Some input or check failed: the scan is incomplete."""
