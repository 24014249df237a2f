"""hostPath volumes must not expose the node's sensitive paths.

A hostPath volume on the container runtime socket (``/var/run/docker.sock``,
``/run/containerd/containerd.sock``, ``/run/crio/crio.sock``) lets the pod start a privileged
container of its own choosing: it is root on the node. ``/var/lib/kubelet`` holds every pod's
secrets and service account tokens, ``/etc`` the node's credentials, ``/proc``, ``/sys`` and
``/dev`` the kernel and the devices, ``/var/log`` the logs of every pod, and ``/`` all of them.
Read-only does not make these safe (a socket is used by connecting to it, and secrets are read),
so every such mount fails; the message says whether a container can also write to it.

The path is normalised before matching (``//``, ``/./``, ``..`` and trailing slashes), a path
below a sensitive one matches, and so does a directory above one: mounting ``/var`` hands over
``/var/run/docker.sock`` and ``/var/lib/kubelet`` too. Pod Security Standards baseline forbids
every hostPath volume (KG-POD-006); this control applies at every level, because these paths are
the ones that hand over the node whatever the namespace's policy allows.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.host_paths import sensitive_host_path
from kubeguard.engines.posture.views import WorkloadView, as_str, get
from kubeguard.model import Severity


@control(
    id="KG-POD-007",
    title="hostPath volumes do not expose sensitive host paths",
    severity=Severity.CRITICAL,
    remediation=(
        "Remove the hostPath volume. Talk to the Kubernetes API instead of the runtime socket, "
        "use a projected or secret volume instead of kubelet or /etc files, and ship logs with "
        "a node-level agent whose exception is reviewed."
    ),
    refs={
        "mitre": "T1611",
        "kubescape": "C-0074",
        "checkov": "CKV_K8S_27",
        "trivy": ("KSV006", "KSV121"),
        "hardeneks": "disallow_container_socket_mount",
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for index, volume in workload.volumes():
        path = as_str(get(volume, "hostPath", "path"))
        name = as_str(volume.get("name"))
        exposed = sensitive_host_path(path) if path is not None else None
        if exposed is None:
            continue
        yield Violation(
            path=workload.path("volumes", index, "hostPath", "path"),
            message=(
                f"hostPath volume {name or f'#{index}'!r} mounts {exposed.description}; "
                f"{_access(workload, name)}"
            ),
            value=path,
        )


def _access(workload: WorkloadView, volume: str | None) -> str:
    """Which containers mount the volume, and whether they can write to it."""
    writable: list[str] = []
    read_only: list[str] = []
    for container in workload.containers():
        for _, mount in container.volume_mounts():
            if volume is not None and mount.get("name") == volume:
                (read_only if mount.get("readOnly") is True else writable).append(container.label)
    parts = []
    if writable:
        parts.append(f"writable by {', '.join(writable)}")
    if read_only:
        parts.append(f"read-only in {', '.join(read_only)}")
    return "; ".join(parts) if parts else "mounted by no container"
