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
from kubeguard.engines.dockerfile import LintSettings, evaluate, load_rules
from kubeguard.findings import ScanResult, apply_exceptions, expired_rules
from kubeguard.findings.dockerfile_ignores import apply_dockerfile_ignores
from kubeguard.model import Finding, Inventory, SourceError
from kubeguard.model.dockerfile import DockerfileDoc, HadolintConfig
from kubeguard.scan import input_error
from kubeguard.sources.dockerfile import DEFAULT_MAX_DOCKERFILE_BYTES, read_dockerfiles
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
    debug: bool = False


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
    settings = LintSettings(trusted_registries=tuple(trusted))
    docs: list[DockerfileDoc] = []
    findings: list[Finding] = []
    for item in read_dockerfiles(inputs, max_file_bytes=options.max_file_bytes, stdin=stdin):
        if isinstance(item, SourceError):
            findings.append(input_error(item))
            continue
        docs.append(item)
        findings.extend(evaluate(item, rules, settings, debug=options.debug))
    references: dict[str, Mapping[str, tuple[str, ...]]] = {
        rule.id: rule.suppression_ids for rule in rules
    }
    today = datetime.date.today()
    exceptions = options.config.exceptions
    findings = apply_exceptions(findings, Inventory(), exceptions, today, references)
    # Applied last so that a comment on the instruction itself names the reason, as an
    # annotation on a manifest does.
    return ScanResult(
        findings=apply_dockerfile_ignores(findings, docs, references, hadolint),
        rules={rule.id: rule.info for rule in rules},
        objects=len(docs),
        expired_exceptions=expired_rules(exceptions, today),
        settings={"hadolint_config": hadolint.path if hadolint else "none"},
    )


def _hadolint_config(
    options: LintOptions, cwd: Path, environ: Mapping[str, str]
) -> HadolintConfig | None:
    if not options.use_hadolint_config:
        return None
    if options.hadolint_config is not None:
        return read_hadolint_config(Path(options.hadolint_config))
    found = find_hadolint_config(cwd, environ)
    return read_hadolint_config(found) if found is not None else None
