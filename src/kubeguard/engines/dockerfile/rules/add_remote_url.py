"""``ADD`` does not fetch remote content without a checksum.

``ADD https://…`` downloads at build time whatever the server returns: a compromised or
hijacked server, or a moved tag of a Git repository, changes the image without any change to
the Dockerfile, and nothing records what was fetched. ``ADD --checksum=sha256:…`` (BuildKit)
makes the build fail when the content differs; downloading with ``curl`` and checking a
published checksum in a ``RUN`` does the same.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.sources import is_remote
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-011",
    title="ADD does not fetch remote content unverified",
    severity=Severity.MEDIUM,
    remediation="Add --checksum=sha256:<digest> to the ADD, or download in a RUN and verify the "
    "checksum before use.",
    refs={"cis-docker": "4.9"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for add in dockerfile.instructions("ADD"):
        if add.flag("checksum"):
            continue
        for source in add.words[:-1]:
            if is_remote(source):
                yield Violation(add, f"ADD fetches {source} without a checksum", value=source)
