"""Where credentials are looked for in an object, and how they are reported without their value.

Controls that search objects for credentials (KG-DATA-010 in workloads, KG-DATA-011 in ConfigMaps
and other objects) walk text fields, including every annotation and the JSON copy of the whole
object that ``kubectl apply`` keeps in ``kubectl.kubernetes.io/last-applied-configuration``. The
same credential found twice in one object (in a field and again in that copy) is reported once,
at the first place. Messages and evidence carry :attr:`Credential.shown` only, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.control import Violation
from kubeguard.engines.posture.credentials import Credential, find_credentials
from kubeguard.model import FieldPath

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@dataclass(frozen=True, slots=True)
class Found:
    """A credential and the field it was found in."""

    path: FieldPath
    where: str
    """How messages name the field: ``annotation 'x'``, ``env FOO of container 'app'``."""
    credential: Credential


def in_text(text: str, path: FieldPath, where: str) -> Iterator[Found]:
    """The credentials in one text field; multi-line text names the line of each."""
    for credential in find_credentials(text):
        line = text.count("\n", 0, credential.start) + 1
        note = f" (line {line} of the value)" if "\n" in text.strip() else ""
        yield Found(path, f"{where}{note}", credential)


def in_annotations(
    annotations: Mapping[str, Any], base: FieldPath, *, skip: Iterable[str] = ()
) -> Iterator[Found]:
    """The credentials in every string annotation under ``base`` (``…metadata.annotations``)."""
    skipped = set(skip)
    for key, value in annotations.items():
        if isinstance(value, str) and key not in skipped:
            yield from in_text(value, (*base, key), f"annotation {key!r}")


def reported(found: Iterable[Found]) -> Iterator[Violation]:
    """One violation per distinct credential, at the first field it was found in."""
    seen: set[str] = set()
    for item in found:
        credential = item.credential
        if credential.digest in seen:
            continue
        seen.add(credential.digest)
        yield Violation(
            path=item.path,
            message=f"{credential.kind} {credential.shown} in {item.where}",
            value=credential.shown,
        )
