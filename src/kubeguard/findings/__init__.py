"""Post-processing of engine findings: exceptions, ordering, the scan result."""

from kubeguard.findings.exceptions import (
    ExceptionRule,
    apply_exceptions,
    expired_rules,
    suppressed_inline,
)
from kubeguard.findings.inline_ignores import (
    IGNORE_ANNOTATION,
    IGNORE_REASON_ANNOTATION,
    InlineIgnore,
    inline_ignores,
)
from kubeguard.findings.result import Note, ScanResult

__all__ = [
    "IGNORE_ANNOTATION",
    "IGNORE_REASON_ANNOTATION",
    "ExceptionRule",
    "InlineIgnore",
    "Note",
    "ScanResult",
    "apply_exceptions",
    "expired_rules",
    "inline_ignores",
    "suppressed_inline",
]
