"""OpenVEX documents (https://github.com/openvex/spec): what suppliers say about vulnerabilities.

A document's ``statements`` each name a vulnerability (``{"name": "CVE-…"}``, or a bare string
as early drafts wrote it), the products it is about (``[{"@id": "pkg:…", "subcomponents": […]}]``
or bare strings) and a status. Every statement is read; which ones suppress what is decided
when findings are post-processed. A document that is not JSON or has no statements list is a
:class:`~kubeguard.model.SourceError`; a malformed statement is skipped with a problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.advisory import VexStatement

#: Statuses the OpenVEX specification defines.
VEX_STATUSES = frozenset({"not_affected", "affected", "fixed", "under_investigation"})


def read_vex(path: Path) -> tuple[list[VexStatement], list[SourceError]]:
    """The statements of the OpenVEX document at ``path``, and its malformed statements."""
    where = SourceLocation(str(path))
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as error:
        raise SourceError(
            f"cannot read VEX document: {error.strerror or error}", location=where
        ) from None
    except orjson.JSONDecodeError as error:
        raise SourceError(f"VEX document is not JSON: {error}", location=where) from None
    statements = document.get("statements") if isinstance(document, Mapping) else None
    if not isinstance(statements, list):
        raise SourceError("not an OpenVEX document: no statements list", location=where)
    default_time = document.get("timestamp") if isinstance(document.get("timestamp"), str) else None
    found: list[VexStatement] = []
    problems: list[SourceError] = []
    for index, raw in enumerate(statements):
        statement = _statement(raw, str(path), default_time)
        if statement is None:
            problems.append(
                SourceError(
                    f"statements[{index}]: needs a vulnerability, products and a known status",
                    location=where,
                )
            )
        else:
            found.append(statement)
    return found, problems


def _statement(raw: Any, source: str, default_time: str | None) -> VexStatement | None:
    if not isinstance(raw, Mapping):
        return None
    vulnerability = raw.get("vulnerability")
    if isinstance(vulnerability, Mapping):
        vulnerability = vulnerability.get("name") or vulnerability.get("@id")
    status = raw.get("status")
    products = list(_ids(raw.get("products")))
    if not isinstance(vulnerability, str) or status not in VEX_STATUSES or not products:
        return None
    subcomponents = [
        sub
        for product in raw.get("products") or ()
        if isinstance(product, Mapping)
        for sub in _ids(product.get("subcomponents"))
    ]
    justification = raw.get("justification")
    impact = raw.get("impact_statement")
    timestamp = raw.get("timestamp")
    return VexStatement(
        vulnerability=vulnerability,
        products=tuple(products),
        subcomponents=tuple(subcomponents),
        status=str(status),
        justification=justification if isinstance(justification, str) else None,
        impact_statement=impact if isinstance(impact, str) else None,
        timestamp=timestamp if isinstance(timestamp, str) else default_time,
        source=source,
    )


def _ids(value: Any) -> Iterator[str]:
    """Product ids: ``@id`` of each product object, or the string itself."""
    if not isinstance(value, list):
        return
    for item in value:
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            identifier = item.get("@id")
            if isinstance(identifier, str):
                yield identifier
            identifiers = item.get("identifiers")
            if isinstance(identifiers, Mapping):
                yield from (v for v in identifiers.values() if isinstance(v, str))
