"""Dockerfile linting wired together: read, judge, suppress, and return one ScanResult.

The CLI (``kubeguard dockerfile lint``) and library users call :func:`lint_dockerfiles`. Every
input that cannot be read or parsed becomes an ERROR finding (the result is then incomplete);
ignore comments, the hadolint configuration and the exceptions of ``.kubeguard.yaml`` are
applied the same way as for manifests, and suppressed findings are kept and counted.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kubeguard.config import Config
from kubeguard.engines.dockerfile import LintSettings, Rule, evaluate, load_rules
from kubeguard.findings import ScanResult, apply_exceptions, expired_rules
from kubeguard.findings.dockerfile_ignores import apply_dockerfile_ignores
from kubeguard.gc_pause import cyclic_gc_paused
from kubeguard.model import Finding, Inventory, SourceError
from kubeguard.model.dockerfile import DockerfileDoc, HadolintConfig
from kubeguard.parallel import map_parts, split_contiguous
from kubeguard.scan import input_error
from kubeguard.sources.dockerfile import (
    DEFAULT_MAX_DOCKERFILE_BYTES,
    dockerfile_targets,
    read_dockerfile,
)
from kubeguard.sources.hadolint_config import find_hadolint_config, read_hadolint_config


@dataclass(frozen=True, slots=True)
class LintOptions:
    """What to lint and how."""

    config: Config = field(default_factory=Config)
    hadolint_config: str | None = None
    """A hadolint configuration file to honour; ``None`` to look where hadolint looks."""
    use_hadolint_config: bool = True
    """Whether to honour a hadolint configuration at all."""
    max_file_bytes: int = DEFAULT_MAX_DOCKERFILE_BYTES
    workers: int = 1
    """Worker processes. One by default: on the two-core machines measured, forking and
    sending the findings back cost more than the second core saved (docs/benchmarks.md)."""
    debug: bool = False


#: Below this many files, forking workers costs more than it saves.
PARALLEL_MIN_FILES = 100


def lint_dockerfiles(
    inputs: Iterable[str],
    options: LintOptions | None = None,
    *,
    stdin: BinaryIO | None = None,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> ScanResult:
    """Lint Dockerfiles (files, folders searched for Dockerfiles, or ``-`` for stdin).

    Raises :class:`~kubeguard.model.ConfigError` for an unreadable hadolint configuration.
    """
    options = options or LintOptions()
    hadolint = _hadolint_config(options, cwd or Path(), os.environ if environ is None else environ)
    rules = load_rules()
    trusted = (
        *options.config.allowed_registries,
        *(hadolint.trusted_registries if hadolint else ()),
    )
    judge = _Judge(
        rules=rules,
        settings=LintSettings(trusted_registries=tuple(trusted)),
        references={rule.id: rule.suppression_ids for rule in rules},
        hadolint=hadolint,
        max_file_bytes=options.max_file_bytes,
        debug=options.debug,
    )
    with cyclic_gc_paused():
        targets = list(
            dockerfile_targets(inputs, max_file_bytes=options.max_file_bytes, stdin=stdin)
        )
        if options.workers > 1 and len(targets) >= PARALLEL_MIN_FILES:
            weights = [_size(target) for target in targets]
            parts = map_parts(judge, split_contiguous(targets, weights, options.workers))
        else:
            parts = [judge(targets)]
    files = sum(count for count, _ in parts)
    # Ignore comments were applied per file; an exception does not override one.
    findings = [finding for _, found in parts for finding in found]
    today = datetime.date.today()
    exceptions = options.config.exceptions
    excepted = apply_exceptions(findings, Inventory(), exceptions, today, judge.references)
    return ScanResult(
        findings=[
            old if old.suppressed_by else new for old, new in zip(findings, excepted, strict=True)
        ],
        rules={rule.id: rule.info for rule in rules},
        objects=files,
        expired_exceptions=expired_rules(exceptions, today),
        settings={"hadolint_config": hadolint.path if hadolint else "none"},
    )


Target = Path | DockerfileDoc | SourceError


@dataclass(frozen=True, slots=True)
class _Judge:
    """Reads, lints and applies the ignore comments of one part of the inputs."""

    rules: list[Rule]
    settings: LintSettings
    references: Mapping[str, Mapping[str, tuple[str, ...]]]
    hadolint: HadolintConfig | None
    max_file_bytes: int
    debug: bool

    def __call__(self, targets: list[Target]) -> tuple[int, list[Finding]]:
        docs: list[DockerfileDoc] = []
        findings: list[Finding] = []
        for target in targets:
            item = (
                read_dockerfile(target, max_file_bytes=self.max_file_bytes)
                if isinstance(target, Path)
                else target
            )
            if isinstance(item, SourceError):
                findings.append(input_error(item))
                continue
            docs.append(item)
            findings.extend(evaluate(item, self.rules, self.settings, debug=self.debug))
        return len(docs), apply_dockerfile_ignores(findings, docs, self.references, self.hadolint)


def _size(target: Target) -> int:
    """A file's weight for sharing work out: its size in bytes (at least 1)."""
    try:
        return max(1, target.stat().st_size) if isinstance(target, Path) else 1
    except OSError:
        return 1


def _hadolint_config(
    options: LintOptions, cwd: Path, environ: Mapping[str, str]
) -> HadolintConfig | None:
    if not options.use_hadolint_config:
        return None
    if options.hadolint_config is not None:
        return read_hadolint_config(Path(options.hadolint_config))
    found = find_hadolint_config(cwd, environ)
    return read_hadolint_config(found) if found is not None else None
