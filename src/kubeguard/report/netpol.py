"""Renderers for the NetworkPolicy queries: ``netpol reach`` and ``netpol matrix``.

``reach`` answers as text or JSON; ``matrix`` as a text table, CSV, or one self-contained HTML
page (inline CSS, no scripts, nothing fetched). Every name taken from the manifests goes through
:func:`html.escape` in HTML, so a workload named ``<script>`` stays text.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, assert_never

from kubeguard import __version__
from kubeguard.engines.posture.netpol import Matrix, PortSet, Reachability, Side
from kubeguard.engines.posture.netpol.reach import ReachEndpoint, SecurityGroupsOf
from kubeguard.model import dotted_path

SECURITY_GROUPS_CAVEAT = (
    "security groups are enforced by the VPC at each pod's branch network interface; "
    "their rules are not in the manifests and are not evaluated here"
)


class ReachFormat(StrEnum):
    """Output formats of ``netpol reach``."""

    TABLE = "table"
    JSON = "json"


class MatrixFormat(StrEnum):
    """Output formats of ``netpol matrix``."""

    TABLE = "table"
    CSV = "csv"
    HTML = "html"


def render_reach(answer: Reachability, output_format: ReachFormat) -> str:
    """``answer`` in ``output_format``."""
    match output_format:
        case ReachFormat.TABLE:
            return "\n".join(_reach_lines(answer)) + "\n"
        case ReachFormat.JSON:
            return json.dumps(_reach_document(answer), indent=2) + "\n"
        case _:
            assert_never(output_format)


def render_matrix(matrix: Matrix, output_format: MatrixFormat) -> str:
    """``matrix`` in ``output_format``."""
    match output_format:
        case MatrixFormat.TABLE:
            return _matrix_table(matrix)
        case MatrixFormat.CSV:
            return _matrix_csv(matrix)
        case MatrixFormat.HTML:
            return _matrix_html(matrix)
        case _:
            assert_never(output_format)


# --------------------------------------------------------------------------- reach


def _verdict(answer: Reachability) -> str:
    return "allowed" if answer.allowed else "denied"


def _reach_lines(answer: Reachability) -> Iterator[str]:
    yield (
        f"{_verdict(answer).upper()}: {answer.source.label} -> {answer.destination.label} "
        f"on {answer.protocol}/{answer.port}"
    )
    if answer.node_exception:
        yield "  traffic between a pod and the node it runs on is always allowed"
    for title, end, side in (
        ("egress of", answer.source, answer.connection.egress),
        ("ingress of", answer.destination, answer.connection.ingress),
    ):
        yield ""
        yield f"{title} {end.label}: {_side_summary(answer, side)}"
        yield from (f"  {line}" for line in _side_details(answer, side))
    groups = [
        (end, found)
        for end, found in (
            (answer.source, answer.source_groups),
            (answer.destination, answer.destination_groups),
        )
        if found is not None
    ]
    if groups:
        yield ""
        yield "security groups for pods:"
        for end, found in groups:
            yield f"  {end.label}: {_describe_groups(found)}"
        yield f"  ({SECURITY_GROUPS_CAVEAT})"
    if answer.notes:
        yield ""
        yield "notes:"
        yield from (f"  - {note}" for note in answer.notes)


def _side_summary(answer: Reachability, side: Side) -> str:
    if not side.isolated:
        return f"allowed ({side.reason})"
    allows = side.allows(answer.protocol, answer.port)
    policies = ", ".join(policy.ref for policy in side.policies)
    return f"{'allowed' if allows else 'denied'} (isolated by {policies})"


def _side_details(answer: Reachability, side: Side) -> Iterator[str]:
    if not side.isolated:
        return
    grants = side.grants_for(answer.protocol, answer.port)
    for grant in grants:
        peers = grant.rule.describe_peers()
        yield (
            f"allowed by {grant.policy.ref} {dotted_path(grant.rule.path)}: "
            f"{peers} on {grant.rule.describe_ports()}"
        )
    if not grants:
        other = [g for g in side.grants if not g.ports.contains(answer.protocol, answer.port)]
        if other:
            yield "rules match the peer, but on other ports: " + "; ".join(
                f"{g.policy.ref} {dotted_path(g.rule.path)} ({g.ports.describe()})" for g in other
            )
        else:
            yield "no rule of these policies matches the peer"


def _describe_groups(found: SecurityGroupsOf) -> str:
    if not found.policies:
        return "none (the node's security groups apply)"
    policies = ", ".join(policy.ref for policy in found.policies)
    return f"{', '.join(found.group_ids)} (from {policies})"


def _reach_document(answer: Reachability) -> dict[str, Any]:
    return {
        "allowed": answer.allowed,
        "source": _end_document(answer.source),
        "destination": _end_document(answer.destination),
        "protocol": answer.protocol.value,
        "port": answer.port,
        "node_exception": answer.node_exception,
        "egress": _side_document(answer, answer.connection.egress),
        "ingress": _side_document(answer, answer.connection.ingress),
        "security_groups": {
            "source": _groups_document(answer.source_groups),
            "destination": _groups_document(answer.destination_groups),
            "evaluated": False,
        },
        "notes": list(answer.notes),
        "kubeguard_version": __version__,
    }


def _end_document(end: ReachEndpoint) -> dict[str, Any]:
    return {
        "name": end.label,
        "pod": end.endpoint is not None,
        "host_network": end.endpoint.host_network if end.endpoint is not None else None,
    }


def _side_document(answer: Reachability, side: Side) -> dict[str, Any]:
    return {
        "isolated": side.isolated,
        "allowed": side.allows(answer.protocol, answer.port),
        "reason": side.reason,
        "isolated_by": [policy.ref for policy in side.policies],
        "allowed_by": [
            {
                "policy": grant.policy.ref,
                "rule": dotted_path(grant.rule.path),
                "peers": grant.rule.describe_peers(),
                "ports": grant.ports.describe(),
            }
            for grant in side.grants_for(answer.protocol, answer.port)
        ],
    }


def _groups_document(found: SecurityGroupsOf | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "policies": [policy.ref for policy in found.policies],
        "group_ids": list(found.group_ids),
    }


# --------------------------------------------------------------------------- matrix


def _cell(ports: PortSet) -> str:
    return "-" if ports.is_empty else ports.describe()


def _matrix_title(matrix: Matrix) -> str:
    scope = f"namespace {matrix.namespace}" if matrix.namespace else "all namespaces"
    return f"Who may open connections to whom: {len(matrix.workloads)} workloads, {scope}"


def _matrix_table(matrix: Matrix) -> str:
    lines = [_matrix_title(matrix), ""]
    width = len(str(len(matrix.workloads)))
    lines += [f"  {i:>{width}}  {w.ref}" for i, w in enumerate(matrix.workloads, start=1)]
    header = ["from \\ to", *(str(i) for i in range(1, len(matrix.workloads) + 1))]
    rows = [
        [str(i), *(_cell(ports) for ports in row)] for i, row in enumerate(matrix.cells, start=1)
    ]
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
    lines.append("")
    for row in [header, *rows]:
        lines.append("  ".join(text.ljust(w) for text, w in zip(row, widths, strict=True)).rstrip())
    lines += ["", "all: every port and protocol   -: nothing"]
    lines += [f"note: {note}" for note in matrix.notes]
    return "\n".join(lines) + "\n"


def _matrix_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["from \\ to", *(w.ref for w in matrix.workloads)])
    for workload, row in zip(matrix.workloads, matrix.cells, strict=True):
        writer.writerow([workload.ref, *(_cell(ports) for ports in row)])
    return buffer.getvalue()


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
h1 { font-size: 1.2rem; }
table { border-collapse: collapse; font-size: 0.8rem; }
th, td { border: 1px solid #c8ccd1; padding: 0.25rem 0.45rem; text-align: left; }
thead th { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
th { background: #f3f4f6; font-weight: 600; }
td.all { background: #f8d7da; }
td.some { background: #fff3cd; }
td.none { background: #d1e7dd; color: #55606b; text-align: center; }
td.self { outline: 2px solid #8a939c; outline-offset: -2px; }
.legend span { display: inline-block; padding: 0.15rem 0.5rem; margin-right: 0.5rem; }
.notes { color: #55606b; font-size: 0.85rem; }
"""


def _matrix_html(matrix: Matrix) -> str:
    esc = html.escape
    names = [w.ref for w in matrix.workloads]
    head = "".join(f"<th scope='col'>{esc(name)}</th>" for name in names)
    body = []
    for i, (name, row) in enumerate(zip(names, matrix.cells, strict=True)):
        cells = []
        for j, ports in enumerate(row):
            kind = "all" if ports.is_every else "none" if ports.is_empty else "some"
            self_class = " self" if i == j else ""
            title = esc(f"{name} -> {names[j]}: {ports.describe()}", quote=True)
            cells.append(f"<td class='{kind}{self_class}' title='{title}'>{esc(_cell(ports))}</td>")
        body.append(f"<tr><th scope='row'>{esc(name)}</th>{''.join(cells)}</tr>")
    notes = "".join(f"<li>{esc(note)}</li>" for note in matrix.notes)
    title = esc(_matrix_title(matrix))
    return (
        "<!DOCTYPE html>\n"
        "<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{title}</h1>"
        "<p>Rows are sources, columns destinations; a cell lists the ports on which the row's "
        "pods may open connections to the column's pods under the NetworkPolicies scanned.</p>"
        "<p class='legend'><span class='all' style='background:#f8d7da'>every port</span>"
        "<span style='background:#fff3cd'>some ports</span>"
        "<span style='background:#d1e7dd'>nothing</span></p>"
        f"<table><thead><tr><th>from \\ to</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f"<ul class='notes'>{notes}</ul>"
        f"<p class='notes'>kubeguard {esc(__version__)}</p>"
        "</body></html>\n"
    )
