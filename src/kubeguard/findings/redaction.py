"""The last line of defence: no finding leaves kubeguard carrying a credential.

Controls report where a secret is, never its value, but messages and evidence also quote
commands, arguments and raw field values that a control did not expect to hold one. Before any
report sees them, every failing or erroring finding's message and evidence are searched with the
same credential formats the data controls use, and each match is replaced by its redacted form
(kind prefix and length only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import orjson

from kubeguard.engines.posture.credentials import find_credentials, masked
from kubeguard.model import Evidence, Finding, Status


def redact_findings(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` with every credential in a message or evidence value masked."""
    redactor = _Redactor()
    # Passes carry only the control's title: most findings, and nothing to redact.
    return [
        finding if finding.status == Status.PASS else redactor.finding(finding)
        for finding in findings
    ]


def redact_text(text: str) -> str:
    """``text`` with each credential replaced by its redacted form."""
    credentials = find_credentials(text)
    for credential in reversed(credentials):
        end = credential.start + credential.length
        text = text[: credential.start] + masked(text[credential.start : end]) + text[end:]
    return text


class _Redactor:
    """Redacts the findings of one scan.

    A scan repeats the same messages and evidence values thousands of times (one per container
    that fails a control the same way), so each distinct text is searched once.
    """

    def __init__(self) -> None:
        self._cleaned: dict[str, str] = {}

    def finding(self, finding: Finding) -> Finding:
        message = self._text(finding.message)
        evidence = tuple([self._evidence(item) for item in finding.evidence])
        if message == finding.message and evidence == finding.evidence:
            return finding
        return dataclasses.replace(finding, message=message, evidence=evidence)

    def _text(self, text: str) -> str:
        cleaned = self._cleaned.get(text)
        if cleaned is None:
            cleaned = self._cleaned[text] = redact_text(text)
        return cleaned

    def _evidence(self, item: Evidence) -> Evidence:
        value = item.value
        if isinstance(value, str):
            cleaned: Any = self._text(value)
            return item if cleaned == value else Evidence(item.path, cleaned)
        if isinstance(value, dict | list):
            text = orjson.dumps(value, default=str).decode()
            cleaned = self._text(text)
            return item if cleaned == text else Evidence(item.path, cleaned)
        return item
