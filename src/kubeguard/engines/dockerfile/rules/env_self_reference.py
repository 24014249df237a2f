"""``ENV`` does not use a variable it sets itself.

All values of one ``ENV`` instruction are expanded before any of its names is set, so in
``ENV A=1 B=$A`` the ``$A`` is the value from before the instruction (often empty), not ``1``.
"""

import re
from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-025",
    title="ENV does not use a variable it sets",
    severity=Severity.LOW,
    remediation="Split the ENV in two: set the variable first, use it in the next ENV.",
    refs={"hadolint": "DL3044"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("ENV"):
        defined: list[str] = []
        for pair in instruction.assignments:
            used = [name for name in defined if pair.raw and _refers_to(pair.raw, name)]
            if used:
                yield Violation(
                    instruction,
                    f"ENV {pair.name} uses ${used[0]}, set in the same instruction",
                    value=used[0],
                )
            defined.append(pair.name)


def _refers_to(value: str, name: str) -> bool:
    return (
        re.search(rf"\$(?:\{{{re.escape(name)}\b|{re.escape(name)}(?![A-Za-z0-9_]))", value)
        is not None
    )
