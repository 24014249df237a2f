"""The one place where sources, engines and findings are wired together.

The CLI, the server and library users call :func:`scan_manifests`; it reads the inputs, builds
the inventory, runs the selected controls, applies exceptions and returns everything a report
needs, including every input that could not be read.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, BinaryIO, Generic, TypeVar

from kubeguard.config import Config
from kubeguard.engines.posture import (
    Control,
    PostureSettings,
    evaluate,
    load_controls,
    select_controls,
)
from kubeguard.engines.posture.views import WORKLOAD_KINDS
from kubeguard.findings import Note, ScanResult, apply_exceptions, expired_rules
from kubeguard.findings.redaction import redact_findings
from kubeguard.gc_pause import cyclic_gc_paused
from kubeguard.model import (
    ControlId,
    Finding,
    Inventory,
    K8sObject,
    Layer,
    Severity,
    SourceError,
    Status,
    fingerprint,
)
from kubeguard.parallel import default_workers, map_parts, split_contiguous
from kubeguard.sources import SkippedDocument, read_manifests
from kubeguard.sources.manifests import DEFAULT_MAX_FILE_BYTES

#: Control id of findings about inputs that could not be read.
UNREADABLE_INPUT = ControlId("KG-INPUT-001")


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What to scan and how."""

    settings: PostureSettings = field(default_factory=PostureSettings)
    framework: str | None = None
    """Only controls mapped to this framework (``pss``, ``cis-eks`` …)."""
    layers: tuple[Layer, ...] = ()
    """Only controls of these layers; empty for all."""
    config: Config = field(default_factory=Config)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    debug: bool = False
    workers: int | None = None
    """Processes to parse and evaluate with; ``None`` for one per core."""

    @property
    def worker_count(self) -> int:
        """The number of workers to use."""
        return self.workers if self.workers is not None else default_workers()


@dataclass(frozen=True, slots=True)
class LoadedInputs:
    """What reading the inputs gave: the objects, the unreadable inputs, the skipped documents."""

    objects: list[K8sObject]
    errors: list[Finding]
    """ERROR findings, one per input (or document) that could not be read."""
    skipped: list[SkippedDocument]

    @property
    def inventory(self) -> Inventory:
        """The objects, indexed."""
        return Inventory(self.objects)


def read_inputs(
    inputs: Iterable[str],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stdin: BinaryIO | None = None,
    workers: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> LoadedInputs:
    """Read manifest files, folders or ``-`` (stdin); every problem is kept, none raised.

    Commands that query the objects rather than scan them (``rbac``, ``netpol``) start here.
    ``meanwhile`` runs in this process while workers read.
    """
    objects: list[K8sObject] = []
    errors: list[Finding] = []
    skipped: list[SkippedDocument] = []
    items = read_manifests(
        inputs, max_file_bytes=max_file_bytes, stdin=stdin, workers=workers, meanwhile=meanwhile
    )
    for item in items:
        if isinstance(item, K8sObject):
            objects.append(item)
        elif isinstance(item, SkippedDocument):
            skipped.append(item)
        else:
            errors.append(input_error(item))
    return LoadedInputs(objects, errors, skipped)


Answer = TypeVar("Answer")


@dataclass(frozen=True, slots=True)
class QueryResult(Generic[Answer]):
    """A query's answer, or, when some input could not be read, the input errors instead.

    A binding or a policy in an unreadable input would change the answer, so none is given then.
    """

    answer: Answer | None
    errors: tuple[Finding, ...] = ()


def answer_from_inputs(
    inputs: Iterable[str],
    ask: Callable[[Inventory], Answer],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stdin: BinaryIO | None = None,
) -> QueryResult[Answer]:
    """Read ``inputs`` and ``ask`` their inventory, unless an input failed."""
    loaded = read_inputs(inputs, max_file_bytes=max_file_bytes, stdin=stdin)
    if loaded.errors:
        return QueryResult(None, tuple(loaded.errors))
    return QueryResult(ask(loaded.inventory))


def scan_manifests(
    inputs: Iterable[str], options: ScanOptions | None = None, *, stdin: BinaryIO | None = None
) -> ScanResult:
    """Scan manifest files, folders or ``-`` (stdin) with the posture controls."""
    options = options or ScanOptions()
    with cyclic_gc_paused():
        loaded = read_inputs(
            inputs,
            max_file_bytes=options.max_file_bytes,
            stdin=stdin,
            workers=options.worker_count,
            # Importing the control modules while workers read; scan_objects then finds them
            # imported.
            meanwhile=load_controls,
        )
        return scan_objects(
            loaded.objects, options, input_errors=loaded.errors, skipped=loaded.skipped
        )


def scan_objects(
    objects: Iterable[K8sObject],
    options: ScanOptions | None = None,
    *,
    input_errors: Iterable[Finding] = (),
    skipped: Iterable[SkippedDocument] = (),
) -> ScanResult:
    """Scan objects already read (from any source)."""
    options = options or ScanOptions()
    inventory = Inventory(objects)
    controls = select_controls(
        load_controls(), options.settings, framework=options.framework, layers=options.layers
    )
    findings = redact_findings(input_errors)
    findings.extend(_evaluate(inventory, controls, options))
    today = datetime.date.today()
    rules = options.config.exceptions
    return ScanResult(
        findings=apply_exceptions(
            findings,
            inventory,
            rules,
            today,
            {control.id: control.refs for control in controls},
        ),
        rules={control.id: control.info for control in controls},
        objects=len(inventory),
        notes=[Note(item.location, item.reason) for item in skipped],
        expired_exceptions=expired_rules(rules, today),
        settings=_describe(options),
    )


#: Below this many objects, forking workers for evaluation costs more than it saves.
PARALLEL_MIN_OBJECTS = 400
#: This process's share of the objects to judge, against each worker's. A worker packs and sends
#: its findings after judging, so it gets less to judge and its sending overlaps this process's
#: judging (measured on the shared corpus with two workers).
EVAL_SHARE = 1.2
#: Relative cost of judging a workload (every pod-spec control) against any other object.
_WORKLOAD_WEIGHT = 10


def _evaluate(
    inventory: Inventory, controls: list[Control[Any]], options: ScanOptions
) -> list[Finding]:
    """The findings of ``controls`` on every object, redacted (each worker redacts its own)."""
    objects = list(inventory)
    workers = options.worker_count
    if workers <= 1 or len(objects) < PARALLEL_MIN_OBJECTS:
        return redact_findings(evaluate(inventory, controls, options.settings, debug=options.debug))
    weights = [_WORKLOAD_WEIGHT if obj.kind in WORKLOAD_KINDS else 1 for obj in objects]

    def judge(part: list[K8sObject]) -> list[Finding]:
        return redact_findings(
            evaluate(inventory, controls, options.settings, debug=options.debug, subjects=part)
        )

    parts = map_parts(
        judge,
        split_contiguous(objects, weights, workers, first_share=EVAL_SHARE),
        encode=_pack,
        decode=_unpack,
    )
    return [finding for part in parts for finding in part]


#: A finding's field values, in constructor order.
_finding_fields = attrgetter(*(item.name for item in dataclasses.fields(Finding)))


def _pack(findings: list[Finding]) -> list[tuple[Any, ...]]:
    """Findings as plain tuples, to cross from a worker to the parent.

    Frozen dataclasses pickle field by field through Python code: on the corpus that cost a
    worker about as long as judging its objects. Tuples of their fields pickle at C speed.
    """
    return [_finding_fields(finding) for finding in findings]


def _unpack(rows: list[tuple[Any, ...]]) -> list[Finding]:
    return [Finding(*row) for row in rows]


def _describe(options: ScanOptions) -> dict[str, str]:
    settings = options.settings
    described = {
        "pss_level": settings.pss_level.value,
        "pss_version": "latest" if settings.pss_version is None else f"v1.{settings.pss_version}",
    }
    if options.framework:
        described["framework"] = options.framework
    if options.layers:
        described["layers"] = ",".join(layer.value for layer in options.layers)
    return described


def input_error(error: SourceError) -> Finding:
    """An input that could not be read, as an ERROR finding."""
    location = error.location
    return Finding(
        control_id=UNREADABLE_INPUT,
        layer=None,
        severity=Severity.HIGH,
        status=Status.ERROR,
        resource=None,
        message=error.message,
        location=location,
        fingerprint=fingerprint(
            UNREADABLE_INPUT, None, f"{location.path}:{location.document}" if location else ""
        ),
    )
