"""Post-processing of engine findings: exceptions, ordering, the scan result."""

from kubeguard.findings.exceptions import (
    IGNORE_ANNOTATION,
    IGNORE_REASON_ANNOTATION,
    ExceptionRule,
    apply_exceptions,
    expired_rules,
    suppressed_inline,
)
from kubeguard.findings.result import Note, ScanResult

__all__ = [
    "IGNORE_ANNOTATION",
    "IGNORE_REASON_ANNOTATION",
    "ExceptionRule",
    "Note",
    "ScanResult",
    "apply_exceptions",
    "expired_rules",
    "suppressed_inline",
]
