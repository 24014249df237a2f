"""Ignore comments in Dockerfiles and hadolint configuration: the suppressions users already have.

Teams moving from hadolint or Trivy keep their accepted risks. Each kubeguard rule records the
peer ids it corresponds to, and these are honoured for it:

| written | where | ignores |
|---|---|---|
| ``# hadolint ignore=DL3008,DL3009`` | on the line(s) right above an instruction | those rules there |
| ``# hadolint global ignore=DL3008`` | anywhere in the file | those rules in the file |
| ``# kubeguard ignore=KG-DF-001,DL3002 reason`` | right above an instruction | those rules there |
| ``# kubeguard global ignore=KG-DF-016 reason`` | anywhere in the file | those rules in the file |
| ``# trivy:ignore:DS002`` (also ``AVD-DS-0002``) | right above an instruction | that check there |
| ``ignored: [DL3008]`` | a hadolint configuration file | those rules everywhere |

hadolint reads a pragma on the line just before the instruction; here a block of comment lines
directly above the instruction counts, so pragmas for several tools can be stacked. With
``disable-ignore-pragma: true`` in the hadolint configuration, ``# hadolint`` comments are not
honoured (kubeguard's and Trivy's still are). Findings without a line (none today) can only be
suppressed globally.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from kubeguard.findings.exceptions import References
from kubeguard.findings.inline_ignores import InlineIgnore
from kubeguard.model import Finding, Status
from kubeguard.model.dockerfile import DOCKERFILE_KIND, DockerfileDoc, HadolintConfig

_IDS = r"([A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*)"
_HADOLINT = re.compile(rf"hadolint\s+(global\s+)?ignore\s*=\s*{_IDS}")
_KUBEGUARD = re.compile(rf"kubeguard\s+(global\s+)?ignore\s*=\s*{_IDS}\s*(.*)")
_TRIVY = re.compile(r"trivy:ignore:([A-Za-z0-9_\-]+)")


@dataclass(frozen=True, slots=True)
class FileIgnores:
    """The ignore comments of one Dockerfile."""

    by_line: Mapping[int, tuple[InlineIgnore, ...]]
    """Ignores that apply to the instruction starting on that line."""
    everywhere: tuple[InlineIgnore, ...]
    """Global ignores of the file."""

    def covering(self, line: int | None) -> Iterator[InlineIgnore]:
        """The ignores that apply to a finding on ``line``."""
        yield from self.everywhere
        if line is not None:
            yield from self.by_line.get(line, ())


def file_ignores(doc: DockerfileDoc, *, hadolint_pragmas: bool = True) -> FileIgnores:
    """The ignore comments of ``doc``, each attached to the instruction below it."""
    comments = {comment.line: comment.text for comment in doc.comments}
    everywhere: list[InlineIgnore] = []
    for comment in doc.comments:
        everywhere.extend(i for i, is_global in _parse(comment.text, hadolint_pragmas) if is_global)
    by_line: dict[int, tuple[InlineIgnore, ...]] = {}
    for instruction in doc.instructions:
        found: list[InlineIgnore] = []
        line = instruction.line - 1
        while line in comments:
            found.extend(
                i for i, is_global in _parse(comments[line], hadolint_pragmas) if not is_global
            )
            line -= 1
        if found:
            by_line[instruction.line] = tuple(found)
    return FileIgnores(by_line, tuple(everywhere))


def _parse(text: str, hadolint_pragmas: bool) -> Iterator[tuple[InlineIgnore, bool]]:
    hadolint = _HADOLINT.match(text)
    if hadolint is not None and hadolint_pragmas:
        pragma = f"# {text[: hadolint.end(2)]}"
        yield InlineIgnore(pragma, _split(hadolint.group(2)), "hadolint"), bool(hadolint.group(1))
    own = _KUBEGUARD.match(text)
    if own is not None:
        reason = own.group(3).strip().lstrip("#-: ").strip()
        pragma = f"# {text[: own.end(2)]}"
        yield InlineIgnore(pragma, _split(own.group(2)), None, reason), bool(own.group(1))
    trivy_ids = _TRIVY.findall(text)
    if trivy_ids:
        pragma = " ".join(f"#trivy:ignore:{check}" for check in trivy_ids)
        yield InlineIgnore(pragma, frozenset(trivy_ids), "trivy"), False


def _split(ids: str) -> frozenset[str]:
    return frozenset(part.strip() for part in ids.split(",") if part.strip())


def apply_dockerfile_ignores(
    findings: Iterable[Finding],
    docs: Iterable[DockerfileDoc],
    references: References,
    hadolint: HadolintConfig | None = None,
) -> list[Finding]:
    """Mark FAIL findings about Dockerfiles that an ignore comment or the hadolint
    configuration covers as suppressed; ``references`` gives each rule's peer ids."""
    pragmas = hadolint is None or not hadolint.disable_ignore_pragma
    ignores = {doc.path: file_ignores(doc, hadolint_pragmas=pragmas) for doc in docs}
    result = []
    for finding in findings:
        resource = finding.resource
        if (
            finding.status == Status.FAIL
            and resource is not None
            and resource.kind == DOCKERFILE_KIND
        ):
            refs = references.get(finding.control_id, {})
            reason = _reason(finding, ignores.get(resource.name), refs, hadolint)
            if reason is not None:
                finding = dataclasses.replace(finding, suppressed_by=reason)
        result.append(finding)
    return result


def _reason(
    finding: Finding,
    ignores: FileIgnores | None,
    refs: Mapping[str, tuple[str, ...]],
    hadolint: HadolintConfig | None,
) -> str | None:
    if ignores is not None:
        line = finding.location.line if finding.location else None
        for ignore in ignores.covering(line):
            if ignore.covers(finding.control_id, refs):
                return ignore.describe()
    if hadolint is not None:
        ignored = sorted(hadolint.ignored.intersection(refs.get("hadolint", ())))
        if ignored:
            return f"hadolint config {hadolint.path}: ignored {', '.join(ignored)}"
    return None
