"""hadolint configuration files, found where hadolint finds them.

Without an explicit path, the first of these that exists is used, as hadolint does
(``src/Hadolint/Config/Configfile.hs``): ``./.hadolint.yaml`` (or ``.yml``),
``$XDG_CONFIG_HOME/hadolint.yaml`` (``~/.config`` by default), ``~/.hadolint/hadolint.yaml``,
``~/.hadolint/config.yaml`` and ``~/.hadolint.yaml`` (each also as ``.yml``).

kubeguard honours ``ignored`` (rule ids), ``trustedRegistries`` and ``disable-ignore-pragma``;
severity overrides and label schemas are hadolint's own business and are read but not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kubeguard.model import ConfigError, SourceLocation, line_of
from kubeguard.model.dockerfile import HadolintConfig
from kubeguard.yaml_documents import Document, read_documents

_HIDDEN = (".hadolint.yaml", ".hadolint.yml")
_VISIBLE = ("hadolint.yaml", "hadolint.yml")
_MORE = ("config.yaml", "config.yml")


def hadolint_config_candidates(cwd: Path, environ: Mapping[str, str]) -> list[Path]:
    """Where hadolint looks for its configuration, in order."""
    home = Path(environ.get("HOME") or Path.home())
    xdg = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [
        *(cwd / name for name in _HIDDEN),
        *(xdg / name for name in _VISIBLE),
        *(home / ".hadolint" / name for name in (*_VISIBLE, *_MORE)),
        *(home / name for name in _HIDDEN),
    ]


def find_hadolint_config(cwd: Path, environ: Mapping[str, str]) -> Path | None:
    """The configuration file hadolint would use, if any."""
    return next((path for path in hadolint_config_candidates(cwd, environ) if path.is_file()), None)


def read_hadolint_config(path: Path) -> HadolintConfig:
    """Read a hadolint configuration file; raises :class:`ConfigError` naming file and line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read hadolint config: {error}", location=SourceLocation(name)
        ) from None
    documents = list(read_documents(text, name))
    if not documents:
        return HadolintConfig(name)
    first = documents[0]
    if not isinstance(first, Document):
        raise ConfigError(first.message, location=first.location)
    value: Any = first.value
    if value is None:
        return HadolintConfig(name)
    if not isinstance(value, dict):
        raise ConfigError("hadolint config must be a mapping", location=first.location)
    return HadolintConfig(
        path=name,
        ignored=frozenset(_strings(value, "ignored", name)),
        trusted_registries=tuple(_strings(value, "trustedRegistries", name)),
        disable_ignore_pragma=_flag(value, "disable-ignore-pragma", name),
    )


def _strings(document: dict[str, Any], key: str, name: str) -> list[str]:
    items = document.get(key)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ConfigError(
            f"hadolint config: {key} must be a list of strings",
            location=SourceLocation(name, line_of(document, (key,))),
        )
    return items


def _flag(document: dict[str, Any], key: str, name: str) -> bool:
    value = document.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(
            f"hadolint config: {key} must be true or false",
            location=SourceLocation(name, line_of(document, (key,))),
        )
    return value
