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


#: The exit codes as ``--help`` shows them.
EXIT_CODES_HELP = """\b
Exit codes:
  0  nothing failed at or above --fail-on
  1  failing findings at or above --fail-on
  2  usage or configuration error
  3  scan incomplete: an input or a check failed (the report says which)
"""
