"""kubeguard: security posture, image and threat detection for Kubernetes and Amazon EKS."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kubeguard")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
