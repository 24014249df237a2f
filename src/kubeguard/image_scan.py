"""Image vulnerability scans: read images, keep their inventories, match them, post-process.

:func:`scan_images` reads each image (through the reader the caller passes, so the CLI's
registry flags apply), keeps its inventory in the vulnerability database under its digest, and
matches it. :func:`rescan_images` matches every kept inventory again, without pulling anything,
after ``db update`` brought new advisories. :func:`scan_with_images` is ``scan --images``: the
posture scan of the manifests plus a scan of every image their workloads reference.

An image that cannot be read is one ERROR finding, as is each problem inside an image that was
read in part; the other images are still scanned and the result is incomplete (exit 3).
Config exceptions, ``--ignore-unfixed`` and VEX ``not_affected`` statements suppress findings,
which stay counted and are listed with ``--show-suppressed``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kubeguard.config import Config
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.engines.vulns.matcher import match_image
from kubeguard.findings import Note, ScanResult, apply_exceptions, expired_rules
from kubeguard.findings.vulnerabilities import apply_vex, suppress_unfixed
from kubeguard.gc_pause import cyclic_gc_paused
from kubeguard.model import (
    ControlId,
    Finding,
    Inventory,
    K8sObject,
    Layer,
    ObjectKey,
    RuleInfo,
    Severity,
    SourceError,
    SourceLocation,
    Status,
    fingerprint,
)
from kubeguard.model.advisory import VexStatement
from kubeguard.model.image import ImageInventory, parse_image
from kubeguard.scan import ScanOptions, read_inputs, scan_objects
from kubeguard.sources.advisories import AdvisoryDatabase
from kubeguard.sources.vex import read_vex

#: Control id of findings about images that could not be read, wholly or in part.
IMAGE_NOT_READ = ControlId("KG-INPUT-003")

#: Reads one image as the user named it (raises :class:`SourceError`).
ImageReader = Callable[[str], ImageInventory]


@dataclass(frozen=True, slots=True)
class ImageScanOptions:
    """How to match images."""

    database: Path
    """The vulnerability database file (it must exist)."""
    ignore_unfixed: bool = False
    """Suppress vulnerabilities that have no fixed version."""
    vex: tuple[str, ...] = ()
    """OpenVEX documents whose ``not_affected`` statements suppress findings."""
    config: Config = field(default_factory=Config)
    keep_inventories: bool = True
    """Keep each inventory read in the database, for ``image rescan``."""


def scan_images(names: Sequence[str], read: ImageReader, options: ImageScanOptions) -> ScanResult:
    """Read, keep and match each image of ``names``."""
    statements, notes = _load_vex(options.vex)
    with AdvisoryDatabase(options.database, create=False) as database:
        items: list[tuple[str, ImageInventory | SourceError]] = []
        for name in dict.fromkeys(names):
            try:
                inventory = read(name)
            except SourceError as error:
                items.append((name, error))
                continue
            display = image_name(name, inventory)
            if options.keep_inventories:
                with database.transaction():
                    database.save_inventory(inventory, display)
            items.append((display, inventory))
        return _match(database, items, options, statements, notes)


def rescan_images(options: ImageScanOptions) -> ScanResult:
    """Match every inventory kept in the database again."""
    statements, notes = _load_vex(options.vex)
    with AdvisoryDatabase(options.database, create=False) as database:
        return _match(database, list(database.inventories()), options, statements, notes)


def scan_with_images(
    paths: Iterable[str],
    scan_options: ScanOptions,
    read: ImageReader,
    options: ImageScanOptions,
) -> ScanResult:
    """Posture of the manifests in ``paths`` and vulnerabilities of every image they run."""
    loaded = read_inputs(
        paths, max_file_bytes=scan_options.max_file_bytes, workers=scan_options.worker_count
    )
    posture = scan_objects(
        loaded.objects, scan_options, input_errors=loaded.errors, skipped=loaded.skipped
    )
    images = scan_images(workload_images(loaded.objects), read, options)
    return merge_results(posture, images)


def workload_images(objects: Iterable[K8sObject]) -> list[str]:
    """Every image reference the workloads' containers name, once each, in first-seen order."""
    found: dict[str, None] = {}
    for obj in objects:
        view = WorkloadView.of(obj)
        if view is None:
            continue
        for container in view.containers():
            if container.image:
                found.setdefault(container.image.strip(), None)
    return [image for image in found if image]


def image_name(requested: str, inventory: ImageInventory) -> str:
    """How findings name an image: the reference pulled, else the archive's full tag, else its digest."""
    base = requested.rpartition(":")[0]
    local = Path(requested).exists() or (bool(base) and Path(base).exists())
    if not local:
        return requested
    full = [tag for tag in inventory.tags if "/" in tag or ":" in tag if parse_image(tag)]
    return full[0] if full else inventory.key


def merge_results(first: ScanResult, second: ScanResult) -> ScanResult:
    """Two scans as one report."""
    return ScanResult(
        findings=[*first.findings, *second.findings],
        rules={**first.rules, **second.rules},
        objects=first.objects + second.objects,
        notes=[*first.notes, *second.notes],
        expired_exceptions=list(
            {
                id(rule): rule for rule in (*first.expired_exceptions, *second.expired_exceptions)
            }.values()
        ),
        settings={**first.settings, **second.settings},
        ingestion=first.ingestion or second.ingestion,
    )


def _load_vex(paths: Sequence[str]) -> tuple[list[VexStatement], list[Note]]:
    statements: list[VexStatement] = []
    notes: list[Note] = []
    for path in paths:
        found, problems = read_vex(Path(path))
        statements.extend(found)
        notes.extend(Note(p.location or SourceLocation(path), p.message) for p in problems)
    return statements, notes


def _match(
    database: AdvisoryDatabase,
    items: Sequence[tuple[str, ImageInventory | SourceError]],
    options: ImageScanOptions,
    statements: Sequence[VexStatement],
    notes: list[Note],
) -> ScanResult:
    findings: list[Finding] = []
    rules: dict[str, RuleInfo] = {}
    with cyclic_gc_paused():
        for name, item in items:
            _match_one(database, name, item, findings, rules, notes)
    today = datetime.date.today()
    exceptions = options.config.exceptions
    findings = apply_exceptions(
        findings, Inventory(), exceptions, today, {rule.id: rule.refs for rule in rules.values()}
    )
    if options.ignore_unfixed:
        findings = suppress_unfixed(findings)
    findings = apply_vex(findings, statements)
    settings = {"vulnerability_db": str(database.path), "db_built": database.built_at() or "never"}
    if options.ignore_unfixed:
        settings["ignore_unfixed"] = "yes"
    return ScanResult(
        findings=findings,
        rules=rules,
        objects=len(items),
        notes=notes,
        expired_exceptions=expired_rules(exceptions, today),
        settings=settings,
    )


def _match_one(
    database: AdvisoryDatabase,
    name: str,
    item: ImageInventory | SourceError,
    findings: list[Finding],
    rules: dict[str, RuleInfo],
    notes: list[Note],
) -> None:
    if isinstance(item, SourceError):
        findings.append(_not_read(name, item))
        return
    findings.extend(_not_read(name, problem) for problem in item.problems)
    matched = match_image(item, database, name=name)
    findings.extend(matched.findings)
    for rule_id, rule in matched.rules.items():
        known = rules.get(rule_id)
        if known is None or known.severity.rank < rule.severity.rank:
            rules[rule_id] = rule
    notes.extend(
        Note(problem.location or SourceLocation(name), problem.message)
        for problem in matched.problems
    )


def _not_read(name: str, error: SourceError) -> Finding:
    resource = ObjectKey("", "Image", None, name)
    location = error.location or SourceLocation(name)
    return Finding(
        control_id=IMAGE_NOT_READ,
        layer=Layer.IMAGE,
        severity=Severity.HIGH,
        status=Status.ERROR,
        resource=resource,
        message=f"image not read: {error.message}" if error.location is None else error.message,
        location=location,
        fingerprint=fingerprint(IMAGE_NOT_READ, resource, f"{location}:{error.message}"),
    )
