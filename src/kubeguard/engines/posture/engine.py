"""Run posture controls over an inventory and turn their verdicts into findings.

No violations make one PASS finding; each violation makes one FAIL finding; a control that raises
makes one ERROR finding for that object (re-raised when ``debug`` is set) and the scan goes on.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from typing import Any

from kubeguard.engines.posture import controls as controls_package
from kubeguard.engines.posture.control import CheckContext, Control, Violation
from kubeguard.engines.posture.pss import check_applies
from kubeguard.engines.posture.settings import PostureSettings
from kubeguard.engines.posture.views import ObjectView, WorkloadView, workload_of
from kubeguard.model import (
    ControlId,
    Evidence,
    FieldPath,
    Finding,
    Inventory,
    K8sObject,
    Layer,
    Severity,
    Status,
    fingerprint,
)

#: Control id of findings about objects whose fields have the wrong type.
MALFORMED_OBJECT = ControlId("KG-INPUT-002")


def load_controls() -> list[Control[Any]]:
    """Every control under the ``controls`` package, sorted by id."""
    found: dict[str, Control[Any]] = {}
    prefix = controls_package.__name__ + "."
    for module_info in pkgutil.walk_packages(controls_package.__path__, prefix):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Control) and value.module == module.__name__:
                if value.id in found:
                    raise ValueError(f"control id {value.id} declared twice")
                found[value.id] = value
    return sorted(found.values(), key=lambda c: c.id)


def select_controls(
    controls: Iterable[Control[Any]],
    settings: PostureSettings,
    *,
    framework: str | None = None,
    layers: Iterable[Layer] = (),
) -> list[Control[Any]]:
    """The controls a scan runs: in the framework and layers asked, in force at the PSS level."""
    wanted_layers = set(layers)
    selected = []
    for candidate in controls:
        if framework is not None and framework not in candidate.refs:
            continue
        if wanted_layers and candidate.layer not in wanted_layers:
            continue
        pss = candidate.pss_check
        if pss is not None and not check_applies(pss, settings.pss_level, settings.pss_version):
            continue
        selected.append(candidate)
    return selected


def evaluate(
    inventory: Inventory,
    controls: Iterable[Control[Any]],
    settings: PostureSettings,
    *,
    debug: bool = False,
    subjects: Iterable[K8sObject] | None = None,
) -> Iterator[Finding]:
    """Findings of ``controls`` over every applicable object of ``inventory``.

    ``subjects`` limits which objects are judged (cross-object controls still see the whole
    inventory), so that a scan can be split between workers.
    """
    context = CheckContext(inventory, settings)
    workload_controls: list[Control[Any]] = []
    kind_controls: dict[str, list[Control[Any]]] = {}
    for candidate in controls:
        if candidate.subject is WorkloadView:
            workload_controls.append(candidate)
        else:
            for kind in candidate.kinds:
                kind_controls.setdefault(kind, []).append(candidate)
    for obj in inventory if subjects is None else subjects:
        workload = workload_of(obj, inventory)
        if workload is not None:
            yield from _malformed(obj, workload)
            for candidate in workload_controls:
                yield from _run(candidate, workload, obj, context, debug)
        for candidate in kind_controls.get(obj.kind, ()):
            yield from _run(candidate, ObjectView(obj), obj, context, debug)


def _malformed(obj: K8sObject, workload: WorkloadView) -> Iterator[Finding]:
    for path, problem in workload.shape_problems():
        yield Finding(
            control_id=MALFORMED_OBJECT,
            layer=Layer.POD,
            severity=Severity.HIGH,
            status=Status.ERROR,
            resource=obj.key,
            message=f"{_dotted(path)}: {problem}",
            location=obj.location_of(path),
            # The wrong-typed value itself may be anything, a secret included: show its type only.
            evidence=(Evidence(path, problem),),
            fingerprint=fingerprint(MALFORMED_OBJECT, obj.key, _stable_path(obj, path)),
        )


def _run(
    candidate: Control[Any],
    subject: WorkloadView | ObjectView,
    obj: K8sObject,
    context: CheckContext,
    debug: bool,
) -> Iterator[Finding]:
    try:
        if candidate.applies is not None and not candidate.applies(subject, context):
            return
        violations = list(candidate.check(subject, context))
    except Exception as error:
        if debug:
            raise
        yield _finding(
            candidate,
            obj,
            Status.ERROR,
            f"control {candidate.id} failed on this object: {type(error).__name__}: {error}",
            path=(),
        )
        return
    if not violations:
        # A pass has no field to point at and needs no fingerprint: the store knows a problem is
        # gone when its (control, resource) passes. Passes are most findings; keep them cheap.
        yield Finding(
            candidate.id,
            candidate.layer,
            candidate.severity,
            Status.PASS,
            obj.key,
            candidate.title,
            obj.source,
        )
        return
    for violation in violations:
        yield _finding(
            candidate, obj, Status.FAIL, violation.message, path=violation.path, violation=violation
        )


def _finding(
    candidate: Control[Any],
    obj: K8sObject,
    status: Status,
    message: str,
    *,
    path: FieldPath,
    violation: Violation | None = None,
) -> Finding:
    return Finding(
        control_id=candidate.id,
        layer=candidate.layer,
        severity=candidate.severity,
        status=status,
        resource=obj.key,
        message=message,
        location=obj.location_of(path) if path else obj.source,
        evidence=(Evidence(path, violation.value),) if violation is not None else (),
        fingerprint=fingerprint(candidate.id, obj.key, _stable_path(obj, path)),
    )


def _stable_path(obj: K8sObject, path: FieldPath) -> str:
    """The path with list indices replaced by item names where items are named.

    Reordering containers, ports or volumes then keeps the same fingerprint.
    """
    parts: list[str] = []
    node: Any = obj.manifest
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            item = node[part]
            name = item.get("name") if isinstance(item, dict) else None
            parts.append(f"[{name}]" if isinstance(name, str) else f"[{part}]")
            node = item
        else:
            parts.append(f".{part}")
            node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
    return "".join(parts)


def _dotted(path: FieldPath) -> str:
    return Evidence(path).dotted
