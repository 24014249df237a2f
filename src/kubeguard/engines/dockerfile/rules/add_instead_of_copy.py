"""``COPY``, not ``ADD``, copies local files.

``ADD`` does more than copy: it extracts local tar archives and downloads URLs. Using it for
plain files hides that behaviour from readers and means a file that happens to be an archive is
unpacked instead of copied. ``COPY`` does only what it says. ``ADD`` stays the right tool for
extracting a local archive, which this rule accepts.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.sources import is_archive, is_remote
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-010",
    title="COPY, not ADD, copies local files",
    severity=Severity.LOW,
    remediation="Replace ADD with COPY for files and folders; keep ADD only to extract a local "
    "tar archive.",
    refs={"hadolint": "DL3020", "trivy": "DS005", "cis-docker": "4.9"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for add in dockerfile.instructions("ADD"):
        if len(add.words) < 2:
            continue
        sources = add.words[:-1]
        if any("$" in source or is_archive(source) or is_remote(source) for source in sources):
            continue
        yield Violation(add, f"ADD copies {' '.join(sources)}: COPY does that", value=sources[0])
