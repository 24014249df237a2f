"""``WORKDIR`` is not a kernel or boot folder.

``/proc``, ``/sys`` and ``/dev`` are filled by the kernel at run time and ``/boot``,
``/initrd`` and ``/lost+found`` belong to the host's boot and file-system machinery. Working in
them from an image writes into mounts the runtime sets up, which has been a container breakout
path (runc CVE-2024-21626 started from a ``WORKDIR`` under ``/proc/self/fd``).
"""

import posixpath
from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_SYSTEM = ("/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found")


@rule(
    id="KG-DF-023",
    title="WORKDIR is not a kernel or boot folder",
    severity=Severity.MEDIUM,
    remediation="Work in an application folder such as /app.",
    refs={"trivy": "DS030"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("WORKDIR"):
        path = instruction.words[0] if instruction.words else ""
        if instruction.unresolved or not path.startswith("/"):
            continue
        normal = posixpath.normpath(path)
        if any(normal == folder or normal.startswith(folder + "/") for folder in _SYSTEM):
            yield Violation(instruction, f"WORKDIR {path} is a system folder", value=path)
