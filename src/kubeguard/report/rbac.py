"""Renderers for the RBAC queries: ``rbac who-can``, ``can``, ``subject`` and ``paths``.

Each answers as a plain-text table for people or as JSON for scripts. Every permission is shown
with the chain it comes from (binding → role → aggregation source → rule) and where the binding
is written, so the answer says what to change as well as what holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any, assert_never

from kubeguard.engines.posture.rbac import (
    Binding,
    CanAnswer,
    EscalationPath,
    Grant,
    HeldPermission,
    Request,
    Step,
    Subject,
    SubjectAnswer,
    WhoCanAnswer,
)
from kubeguard.engines.posture.rbac.subjects import MASTERS


class RbacFormat(StrEnum):
    """Output formats of the ``rbac`` commands."""

    TABLE = "table"
    JSON = "json"


def render_who_can(answer: WhoCanAnswer, output_format: RbacFormat) -> str:
    """Who may make the request, one row per grant."""
    match output_format:
        case RbacFormat.TABLE:
            return _text(_who_can_lines(answer))
        case RbacFormat.JSON:
            return _json(
                {
                    "request": _request(answer.request),
                    "any_namespace": answer.any_namespace,
                    "subjects": [_grant(grant) for grant in answer.grants],
                    "superuser_group": answer.superuser_group,
                }
            )
        case _:
            assert_never(output_format)


def render_can(answer: CanAnswer, output_format: RbacFormat) -> str:
    """The verdict and the grants behind it."""
    match output_format:
        case RbacFormat.TABLE:
            return _text(_can_lines(answer))
        case RbacFormat.JSON:
            return _json(
                {
                    "subject": _subject(answer.subject),
                    "request": _request(answer.request),
                    "allowed": answer.allowed,
                    "superuser": answer.superuser,
                    "grants": [_grant(grant) for grant in answer.grants],
                }
            )
        case _:
            assert_never(output_format)


def render_subject(answer: SubjectAnswer, output_format: RbacFormat) -> str:
    """Everything the subject may do, risks marked, and its shortest escalation path."""
    match output_format:
        case RbacFormat.TABLE:
            return _text(_subject_lines(answer))
        case RbacFormat.JSON:
            return _json(
                {
                    "subject": _subject(answer.subject),
                    "groups": list(answer.subject.groups),
                    "superuser": answer.superuser,
                    "permissions": [_held(held) for held in answer.permissions],
                    "escalation": _steps(answer.escalation) if answer.escalation else None,
                }
            )
        case _:
            assert_never(output_format)


def render_paths(paths: Sequence[EscalationPath], output_format: RbacFormat) -> str:
    """Escalation paths, shortest first."""
    match output_format:
        case RbacFormat.TABLE:
            return _text(_paths_lines(paths))
        case RbacFormat.JSON:
            return _json(
                {
                    "paths": [
                        {
                            "subject": _subject(path.subject),
                            "binding": _binding(path.binding),
                            "subject_index": path.subject_index,
                            "length": len(path),
                            "steps": _steps(path.steps),
                        }
                        for path in paths
                    ]
                }
            )
        case _:
            assert_never(output_format)


# ---------------------------------------------------------------------- text


def _who_can_lines(answer: WhoCanAnswer) -> Iterator[str]:
    request = answer.request
    where = "in any namespace" if answer.any_namespace and not request.path else _scope(request)
    yield f"Who can {_action(request)} {where}: {_count(len(answer.subjects), 'subject')}"
    yield f"(members of group {MASTERS} can too: they bypass RBAC)"
    if not answer.grants:
        return
    yield ""
    rows: list[tuple[str, ...]] = [("SUBJECT", "SCOPE", "GRANTED BY")]
    rows += [(str(g.subject), g.scope, " → ".join(g.chain())) for g in answer.grants]
    yield from _columns(rows)


def _can_lines(answer: CanAnswer) -> Iterator[str]:
    verdict = "yes" if answer.allowed else "no"
    yield f"{verdict}: {answer.subject} {_may(answer)} {_action(answer.request)} {_scope(answer.request)}"
    if answer.superuser:
        yield f"  member of group {MASTERS}: every request is allowed before RBAC is asked"
    for grant in answer.grants:
        yield f"  {' → '.join(grant.chain())}  ({grant.binding.obj.location_of(())})"
    if not answer.allowed:
        yield "  no binding in the inputs allows it"


def _may(answer: CanAnswer) -> str:
    return "may" if answer.allowed else "may not"


def _subject_lines(answer: SubjectAnswer) -> Iterator[str]:
    subject = answer.subject
    yield str(subject)
    yield f"groups: {', '.join(subject.groups)}"
    if answer.superuser:
        yield f"member of {MASTERS}: every request is allowed before RBAC is asked"
    yield ""
    if not answer.permissions:
        yield "No binding in the inputs grants it anything."
    else:
        yield f"{_count(len(answer.permissions), 'permission')}, {len(answer.risky)} risky (marked !)"
        rows: list[tuple[str, ...]] = [("", "SCOPE", "RULE", "GRANTED BY", "RISK")]
        rows += [_held_row(held, subject) for held in answer.permissions]
        yield from _columns(rows)
    yield ""
    if answer.escalation:
        yield f"Escalation to cluster-admin power in {len(answer.escalation)} steps:"
        yield from _numbered(answer.escalation)
    elif not answer.superuser:
        yield "No escalation path to cluster-admin power."


def _held_row(held: HeldPermission, asked: Subject) -> tuple[str, ...]:
    grant = held.grant
    chain = grant.chain()
    via = "" if grant.subject == asked else f" (as {grant.subject})"
    risks = [f"{risk.title} ({risk.control})" for risk in held.risks]
    if held.wildcard:
        risks.append("wildcard (KG-IAM-003)")
    mark = "!" if held.risks else ""
    return (
        mark,
        grant.scope,
        grant.rule.describe(),
        " → ".join(chain[:-1]) + via,
        "; ".join(risks),
    )


def _paths_lines(paths: Sequence[EscalationPath]) -> Iterator[str]:
    if not paths:
        yield "No escalation path to cluster-admin power."
        return
    yield f"{_count(len(paths), 'escalation path')} to cluster-admin power, shortest first"
    for path in paths:
        yield ""
        location = path.binding.obj.location_of(("subjects", path.subject_index))
        yield f"{path.subject} via {path.binding} ({len(path)} steps; {location})"
        yield from _numbered(path.steps)


def _numbered(steps: Iterable[Step]) -> Iterator[str]:
    for number, step in enumerate(steps, start=1):
        yield f"  {number}. {step.describe()}"


def _action(request: Request) -> str:
    if request.path:
        return f"{request.verb} {request.path}"
    group = f" (API group {request.api_group})" if request.api_group else ""
    name = f" named {request.name!r}" if request.name else ""
    return f"{request.verb} {request.combined_resource}{group}{name}"


def _scope(request: Request) -> str:
    if request.path:
        return "(non-resource URL)"
    return f"in namespace {request.namespace}" if request.namespace else "cluster-wide"


def _columns(rows: Sequence[tuple[str, ...]]) -> Iterator[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        yield "  ".join([*cells, row[-1]]).rstrip()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _text(lines: Iterable[str]) -> str:
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- JSON


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _subject(subject: Subject) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": subject.kind.value, "name": subject.name}
    if subject.namespace:
        document["namespace"] = subject.namespace
    return document


def _request(request: Request) -> dict[str, Any]:
    if request.path:
        return {"verb": request.verb, "path": request.path}
    return {
        "verb": request.verb,
        "api_group": request.api_group,
        "resource": request.resource,
        "subresource": request.subresource or None,
        "name": request.name or None,
        "namespace": request.namespace or None,
    }


def _binding(binding: Binding) -> dict[str, Any]:
    location = binding.obj.location_of(())
    return {
        "kind": binding.kind,
        "namespace": binding.namespace,
        "name": binding.obj.name,
        "location": {"path": location.path, "line": location.line},
    }


def _grant(grant: Grant) -> dict[str, Any]:
    role = grant.binding.role
    rule = grant.rule
    return {
        "subject": _subject(grant.subject),
        "namespace": grant.namespace,
        "binding": _binding(grant.binding),
        "role": {
            "kind": role.key.kind,
            "namespace": role.key.namespace or None,
            "name": role.key.name,
            "in_inputs": role.obj is not None,
        }
        if role is not None
        else None,
        "aggregated_from": str(rule.origin)
        if role is not None and rule.origin != role.key
        else None,
        "rule": {
            "index": rule.index,
            "verbs": sorted(rule.verbs),
            "api_groups": sorted(rule.api_groups),
            "resources": sorted(rule.resources),
            "resource_names": sorted(rule.resource_names),
            "non_resource_urls": list(rule.non_resource_urls),
        },
        "chain": list(grant.chain()),
    }


def _held(held: HeldPermission) -> dict[str, Any]:
    return _grant(held.grant) | {
        "risks": [{"title": r.title, "control": r.control} for r in held.risks],
        "wildcard": held.wildcard,
    }


def _steps(steps: Iterable[Step]) -> list[dict[str, Any]]:
    return [
        {
            "action": step.action,
            "target": str(step.target),
            "grants": [_grant(grant) for grant in step.grants],
        }
        for step in steps
    ]
