"""kubeguard: security posture, image and threat detection for Kubernetes and Amazon EKS."""

#: The one place the version is written; pyproject.toml reads it from here. Reading it from the
#: installed package's metadata instead cost 40 ms on every start.
__version__ = "0.1.0"

__all__ = ["__version__"]
