"""Host paths as the node resolves them, and which of them hand a pod the node.

A hostPath ``path`` is compared after normalising it the way the node's filesystem resolves it
(repeated and trailing slashes, ``.`` and ``..`` segments), so ``/etc/../var/run//`` is recognised
as ``/var/run``. Symbolic links on the node cannot be seen from a manifest, which is why both
``/var/run`` and ``/run`` are listed: on most distributions one links to the other.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Host paths that give a container control of the node or of other pods, and why.
SENSITIVE_HOST_PATHS: dict[str, str] = {
    "/": "the node's whole filesystem",
    "/etc": "node configuration, credentials and kubelet settings",
    "/proc": "the node's processes and kernel interfaces",
    "/sys": "kernel, cgroup and device settings",
    "/root": "root's home directory",
    "/home": "users' home directories",
    "/boot": "the kernel and boot loader",
    "/dev": "the node's devices",
    "/var/run/docker.sock": "the Docker daemon socket",
    "/run/containerd/containerd.sock": "the containerd socket",
    "/var/run/containerd": "containerd's state and socket",
    "/run/crio/crio.sock": "the CRI-O socket",
    "/var/run/crio": "CRI-O's state and socket",
    "/var/lib/kubelet": "kubelet state, including every pod's secrets and tokens",
    "/var/lib/docker": "Docker's images and container filesystems",
    "/var/lib/containerd": "containerd's images and container filesystems",
    "/var/log": "the logs of the node and of every pod",
    "/var/run": "runtime sockets and state",
    "/run": "runtime sockets and state",
}


_ROOT = "/"


def normalise_host_path(path: str) -> str:
    """``path`` as an absolute path without empty, ``.`` or ``..`` segments.

    ``..`` above the root stays at the root, as it does on the node; a relative path is taken
    from the root, the only place the kubelet could resolve it from.
    """
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return _ROOT + "/".join(parts)


@dataclass(frozen=True, slots=True)
class SensitiveHostPath:
    """How a normalised host path relates to the sensitive ones."""

    path: str
    """The normalised path."""
    listed: str
    """The sensitive path it is, lies under, or (for a parent directory) the first it contains."""
    relation: str
    """``is``, ``under`` or ``contains``."""
    contained: tuple[str, ...] = ()
    """For ``contains``: the topmost sensitive paths below ``path``."""

    @property
    def description(self) -> str:
        """A phrase for messages, e.g. ``/var/lib/kubelet (kubelet state, …)``."""
        if self.relation == "is":
            return f"{self.path} ({SENSITIVE_HOST_PATHS[self.listed]})"
        if self.relation == "under":
            return f"{self.path}, inside {self.listed} ({SENSITIVE_HOST_PATHS[self.listed]})"
        return f"{self.path}, which contains {', '.join(self.contained)}"


def sensitive_host_path(path: str) -> SensitiveHostPath | None:
    """How ``path`` exposes a sensitive host path, or ``None`` if it does not.

    A path is sensitive if it is a listed path, lies below one (the closest one is named), or is
    a directory above one: mounting ``/var`` hands over ``/var/run/docker.sock`` as well. The
    root counts only as itself, since every path lies below it.
    """
    normal = normalise_host_path(path)
    if normal in SENSITIVE_HOST_PATHS:
        return SensitiveHostPath(normal, normal, "is")
    parents = [
        listed for listed in SENSITIVE_HOST_PATHS if listed != _ROOT and _is_below(normal, listed)
    ]
    if parents:
        return SensitiveHostPath(normal, max(parents, key=len), "under")
    below = [listed for listed in SENSITIVE_HOST_PATHS if _is_below(listed, normal)]
    children = tuple(
        listed for listed in below if not any(_is_below(listed, other) for other in below)
    )
    if children:
        return SensitiveHostPath(normal, children[0], "contains", children)
    return None


def _is_below(path: str, directory: str) -> bool:
    """Whether normalised ``path`` lies strictly below normalised ``directory``."""
    return path != directory and path.startswith(directory.rstrip("/") + "/")
