"""The ``kubeguard`` command: parse flags, call :mod:`kubeguard.scan`, render, set the exit code."""

from kubeguard.cli.main import main

__all__ = ["main"]
