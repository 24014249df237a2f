"""``detect.yaml``: the configuration of ``kubeguard detect serve``, validated with pydantic.

Every field has a safe default except the certificate and the authentication, which the server
refuses to start without: it listens on 127.0.0.1 unless told otherwise, speaks TLS only, and
answers nobody who does not present a configured bearer token or a client certificate signed by
the configured CA. docs/detect-serve.md documents each field.

Sizes are bytes or text such as ``12MiB``; durations are seconds or text such as ``500ms``,
``10s``, ``2m``. Command-line flags override the file (see :func:`load_serve_config`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kubeguard.config import read_config_file
from kubeguard.model import ConfigError, SourceLocation, line_of
from kubeguard.report import OutputFormat

#: Shortest bearer token accepted: anything shorter can be guessed.
MIN_TOKEN_LENGTH = 16
_SIZE = re.compile(r"^\s*(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$")
_SIZE_UNITS = {
    None: 1,
    "B": 1,
    "KB": 1000,
    "KiB": 1 << 10,
    "MB": 1000**2,
    "MiB": 1 << 20,
    "GB": 1000**3,
    "GiB": 1 << 30,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_size(value: Any) -> int:
    """Bytes from a number or ``12MiB``-style text."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a size (examples: 1048576, 512KiB, 12MiB, 4GiB)")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2)]


def parse_seconds(value: Any) -> float:
    """Seconds from a number or ``500ms``/``10s``/``2m``/``1h``/``7d`` text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a duration (examples: 500ms, 10s, 2m, 1h, 7d)")
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TlsSection(_Strict):
    """The server's certificate, and the CA that client certificates must chain to."""

    cert: Path | None = None
    key: Path | None = None
    client_ca: Path | None = None
    """Turns on client certificates (mTLS): a client may present one signed by this CA."""


class TokenEntry(_Strict):
    """One bearer token, read from a file or an environment variable (never written inline)."""

    name: str = Field(min_length=1)
    """Who holds it (shown in metrics and used for rate limits)."""
    file: Path | None = None
    env: str | None = None


class AuthSection(_Strict):
    """Who may post: bearer tokens, client certificates, or both (either suffices)."""

    tokens: list[TokenEntry] = []
    client_subjects: list[str] = []
    """When set, only client certificates whose subject common name is listed are accepted."""


class SpoolSection(_Strict):
    """Where accepted batches are kept until the detector has processed them."""

    dir: Path = Path("kubeguard-spool")
    segment_size: int = 64 << 20
    max_size: int = 4 << 30
    commit_interval: float = 1.0
    """How often the detector records its position (and flushes its outputs)."""

    @field_validator("segment_size", "max_size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> int:
        return parse_size(value)

    @field_validator("commit_interval", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        return parse_seconds(value)


class LimitsSection(_Strict):
    """Request limits; their defaults fit the API server's batches (400 events)."""

    max_body: int = 12 << 20
    rate: float = Field(default=100.0, gt=0)
    """Requests per second per client, on average (the API server sends 10 by default)."""
    burst: int = Field(default=200, ge=1)
    """Requests a client may send at once above the average."""
    max_connections: int = Field(default=256, ge=1)
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 120.0

    @field_validator("max_body", mode="before")
    @classmethod
    def _size(cls, value: Any) -> int:
        return parse_size(value)

    @field_validator("header_timeout", "body_timeout", "idle_timeout", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        return parse_seconds(value)


class OutputsSection(_Strict):
    """Where findings go: as they close, and as one report at shutdown."""

    jsonl: Path | None = None
    """JSON-lines file, one finding per line; kept exactly in step with the spool position."""
    stdout: bool = False
    """JSON lines on standard output too."""
    report: Path | None = None
    report_format: OutputFormat = OutputFormat.JSON
    """table, json, sarif or junit: the report written at shutdown."""


class DetectionSection(_Strict):
    """The rules and threat lists, as ``kubeguard detect`` takes them."""

    rules: list[Path] = []
    builtin_rules: bool = True
    threat_lists: dict[str, Path] = {}
    """List name (custom/<name> or intel/<name>) to file."""
    tor_exits: list[Path] = []
    sigma: list[Path] = []
    """Sigma rule files or folders (their kubernetes/audit rules)."""
    baseline: Path | None = None
    """Behaviour baseline file: learn who does what, report first-seen sensitive behaviour."""
    cluster: str = "default"
    """Which baseline of the file the events belong to."""
    learning_window: float | None = None
    """How long a new baseline only learns (default: 7 days)."""
    idle_flush: float = 60.0
    """With no traffic, event time is taken to advance with the clock, so windows still close."""

    @field_validator("idle_flush", "learning_window", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float | None:
        return None if value is None else parse_seconds(value)


class ServeFile(_Strict):
    """The whole file."""

    listen: str = "127.0.0.1:8443"
    path: str = "/audit"
    """Where the API server posts batches (its webhook kubeconfig's server URL path)."""
    tls: TlsSection = TlsSection()
    auth: AuthSection = AuthSection()
    spool: SpoolSection = SpoolSection()
    limits: LimitsSection = LimitsSection()
    outputs: OutputsSection = OutputsSection()
    detection: DetectionSection = DetectionSection()

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("the path starts with /")
        return value


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """The validated configuration, with paths resolved and tokens read."""

    host: str
    port: int
    file: ServeFile
    tokens: dict[str, bytes]
    """Token name to token value."""
    base: Path
    """Relative paths of the file are relative to the file's folder."""
    cert: Path
    """The server certificate (PEM, chain included)."""
    key: Path
    """The server's private key (PEM)."""

    def resolve(self, path: Path) -> Path:
        """``path`` relative to the configuration file's folder."""
        return path if path.is_absolute() else self.base / path

    @property
    def client_ca(self) -> Path | None:
        """The CA for client certificates, when mTLS is on."""
        ca = self.file.tls.client_ca
        return self.resolve(ca) if ca else None


def load_serve_config(
    path: str | None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ServeConfig:
    """Read ``path`` (optional), apply ``overrides`` (dotted field → value), check everything.

    Raises :class:`~kubeguard.model.ConfigError` with the file and line of the first problem,
    or when no certificate or no authentication is configured.
    """
    environ = os.environ if environ is None else environ
    document: Any = read_config_file(Path(path)) if path else {}
    data = _with_overrides(document, overrides or {})
    where = path or "command line"
    try:
        parsed = ServeFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        more = f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""
        dotted = ".".join(str(part) for part in loc)
        raise ConfigError(
            f"invalid {dotted}: {first['msg']}{more}",
            location=SourceLocation(where, line_of(document, loc)),
        ) from None
    base = Path(path).resolve().parent if path else Path.cwd()
    host, port = _address(parsed.listen, where)
    cert, key = parsed.tls.cert, parsed.tls.key
    if cert is None or key is None:
        raise ConfigError(
            "TLS is required: set tls.cert and tls.key (or --cert and --key)",
            location=SourceLocation(where),
        )
    tokens = {entry.name: _token(entry, base, environ, where) for entry in parsed.auth.tokens}
    if not tokens and parsed.tls.client_ca is None:
        raise ConfigError(
            "no authentication configured: add auth.tokens (--token-file) or tls.client_ca "
            "(--client-ca); the server does not accept anonymous batches",
            location=SourceLocation(where),
        )
    resolve = ServeConfig(host, port, parsed, tokens, base, cert, key).resolve
    return ServeConfig(host, port, parsed, tokens, base, resolve(cert), resolve(key))


def _with_overrides(document: Any, overrides: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(document)
    for dotted, value in overrides.items():
        if value is None:
            continue
        *sections, name = dotted.split(".")
        target = data
        for section in sections:
            existing = target.get(section)
            target[section] = dict(existing) if isinstance(existing, dict) else {}
            target = target[section]
        target[name] = value
    return data


def _address(listen: str, where: str) -> tuple[str, int]:
    host, colon, port = listen.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(
            f"invalid listen address {listen!r}: write host:port, e.g. 127.0.0.1:8443",
            location=SourceLocation(where),
        )
    return host, int(port)


def _token(entry: TokenEntry, base: Path, environ: Mapping[str, str], where: str) -> bytes:
    if (entry.file is None) == (entry.env is None):
        raise ConfigError(
            f"token {entry.name!r}: give exactly one of file or env", location=SourceLocation(where)
        )
    if entry.file is not None:
        file = entry.file if entry.file.is_absolute() else base / entry.file
        try:
            value = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                f"token {entry.name!r}: cannot read {file}: {error}", location=SourceLocation(where)
            ) from None
    else:
        value = environ.get(entry.env or "", "").strip()
    if len(value) < MIN_TOKEN_LENGTH or not value.isascii() or any(c.isspace() for c in value):
        raise ConfigError(
            f"token {entry.name!r} must be at least {MIN_TOKEN_LENGTH} printable characters "
            "without spaces (for example: openssl rand -hex 32)",
            location=SourceLocation(where),
        )
    return value.encode()
