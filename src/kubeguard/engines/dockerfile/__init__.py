"""Dockerfile rules: hadolint's and Trivy's checks, over a parsed Dockerfile."""

from kubeguard.engines.dockerfile.engine import evaluate, load_rules
from kubeguard.engines.dockerfile.rule import FRAMEWORKS, PEERS, Rule, Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView, LintSettings, RunView

__all__ = [
    "FRAMEWORKS",
    "PEERS",
    "DockerfileView",
    "LintSettings",
    "Rule",
    "RunView",
    "Violation",
    "evaluate",
    "load_rules",
    "rule",
]
