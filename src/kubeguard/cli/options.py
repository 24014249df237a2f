"""Flags shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from kubeguard.model import Layer

F = TypeVar("F", bound=Callable[..., Any])

LAYER_CHOICE = click.Choice([layer.value for layer in Layer])


def layer_option(function: F) -> F:
    """``--layer`` (repeatable)."""
    return click.option(
        "--layer",
        "layers",
        type=LAYER_CHOICE,
        multiple=True,
        help="Only controls of this layer (repeatable).",
    )(function)


def framework_option(function: F) -> F:
    """``--framework``."""
    return click.option(
        "--framework",
        metavar="NAME",
        help="Only controls mapped to this framework or peer tool (pss, cis-eks, nsa, mitre, "
        "checkov, kubescape, trivy, polaris …).",
    )(function)
