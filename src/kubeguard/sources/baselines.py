"""Behaviour baselines kept in a JSON file between runs, written atomically.

One file holds the baselines of any number of clusters (see :mod:`kubeguard.model.baseline`)::

    {"format": "kubeguard-baseline", "version": 1,
     "clusters": {"prod": {"learn_seconds": 604800, "started": 1767225600, "updated": …,
                           "events": 120345,
                           "principals": {"alice": {"seen": [count, first, last],
                                                    "actions": {"create pods/exec":
                                                                {"seen": [...], "namespaces": {"shop": [...]}}},
                                                    "user_agents": {"kubectl": [...]},
                                                    "networks": {"10.0.1.0/24": [...]}}},
                           "images": {"registry.example/app": [...]},
                           "privileged_images": {}}}}

``[count, first, last]`` is how often something was seen, with the first and last time in
seconds since the epoch.

Saving writes a new file beside the old one (owner-only permissions, flushed to disk) and renames
it over the old one, so a crash leaves either the old baseline or the new one, never half of one.
Two runs saving the same file at once: the last one wins. A file that is not a baseline raises
:class:`~kubeguard.model.SourceError` naming the file and the first wrong field; it is never
overwritten, so nothing learned is lost by mistake.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson

from kubeguard.model import SourceError, SourceLocation
from kubeguard.model.baseline import (
    ActionProfile,
    Baselines,
    ClusterBaseline,
    Profile,
    Seen,
)

FORMAT = "kubeguard-baseline"
VERSION = 1


class _Wrong(Exception):
    """A field of the file that is not what a baseline holds."""

    def __init__(self, where: tuple[str, ...], expected: str) -> None:
        super().__init__(f"{'.'.join(where) or 'the document'}: expected {expected}")


def load_baselines(path: str | Path) -> Baselines:
    """The baselines in ``path``; empty ones when the file does not exist yet."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return Baselines()
    except OSError as error:
        raise SourceError(
            f"cannot read baseline: {error.strerror or error}", location=SourceLocation(str(file))
        ) from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise SourceError(
            f"not a baseline file: invalid JSON ({error})", location=SourceLocation(str(file))
        ) from None
    try:
        return _baselines(document)
    except _Wrong as error:
        raise SourceError(
            f"not a baseline file: {error}", location=SourceLocation(str(file))
        ) from None


def save_baselines(baselines: Baselines, path: str | Path) -> None:
    """Write ``baselines`` to ``path`` atomically (see the module docstring)."""
    file = Path(path)
    data = orjson.dumps(_document(baselines))
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as sink:
                sink.write(data)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(temporary, file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        _sync_folder(file.parent)
    except OSError as error:
        raise SourceError(
            f"cannot save baseline: {error.strerror or error}", location=SourceLocation(str(file))
        ) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every platform can open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# -- to JSON ---------------------------------------------------------------------------------


def _document(baselines: Baselines) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "clusters": {name: _cluster_document(found) for name, found in baselines.clusters.items()},
    }


def _cluster_document(cluster: ClusterBaseline) -> dict[str, Any]:
    return {
        "learn_seconds": cluster.learn_seconds,
        "started": cluster.started,
        "updated": cluster.updated,
        "events": cluster.events,
        "principals": {
            name: {
                "seen": _seen_document(profile.seen),
                "actions": {
                    action: {
                        "seen": _seen_document(found.seen),
                        "namespaces": _table_document(found.namespaces),
                    }
                    for action, found in profile.actions.items()
                },
                "user_agents": _table_document(profile.user_agents),
                "networks": _table_document(profile.networks),
            }
            for name, profile in cluster.principals.items()
        },
        "images": _table_document(cluster.images),
        "privileged_images": _table_document(cluster.privileged_images),
    }


def _seen_document(seen: Seen) -> list[int]:
    return [seen.count, seen.first, seen.last]


def _table_document(table: dict[str, Seen]) -> dict[str, list[int]]:
    return {key: _seen_document(seen) for key, seen in table.items()}


# -- from JSON -------------------------------------------------------------------------------


def _baselines(document: Any) -> Baselines:
    mapping = _mapping(document, ())
    if mapping.get("format") != FORMAT:
        raise _Wrong(("format",), repr(FORMAT))
    if mapping.get("version") != VERSION:
        raise _Wrong(("version",), str(VERSION))
    clusters = _mapping(mapping.get("clusters"), ("clusters",))
    return Baselines(
        {name: _cluster(name, value, ("clusters", name)) for name, value in clusters.items()}
    )


def _cluster(name: str, value: Any, where: tuple[str, ...]) -> ClusterBaseline:
    mapping = _mapping(value, where)
    learn_seconds = _integer(mapping.get("learn_seconds"), (*where, "learn_seconds"))
    started = _optional_integer(mapping.get("started"), (*where, "started"))
    updated = _optional_integer(mapping.get("updated"), (*where, "updated"))
    events = _integer(mapping.get("events", 0), (*where, "events"))
    principals = _mapping(mapping.get("principals", {}), (*where, "principals"))
    return ClusterBaseline(
        cluster=name,
        learn_seconds=learn_seconds,
        started=started,
        updated=updated,
        events=events,
        principals={
            principal: _profile(item, (*where, "principals", principal))
            for principal, item in principals.items()
        },
        images=_table(mapping.get("images"), (*where, "images")),
        privileged_images=_table(mapping.get("privileged_images"), (*where, "privileged_images")),
    )


def _profile(value: Any, where: tuple[str, ...]) -> Profile:
    mapping = _mapping(value, where)
    seen = _seen(mapping.get("seen"), (*where, "seen"))
    actions = _mapping(mapping.get("actions", {}), (*where, "actions"))
    return Profile(
        seen=seen,
        actions={
            action: _action(item, (*where, "actions", action)) for action, item in actions.items()
        },
        user_agents=_table(mapping.get("user_agents"), (*where, "user_agents")),
        networks=_table(mapping.get("networks"), (*where, "networks")),
    )


def _action(value: Any, where: tuple[str, ...]) -> ActionProfile:
    mapping = _mapping(value, where)
    return ActionProfile(
        seen=_seen(mapping.get("seen"), (*where, "seen")),
        namespaces=_table(mapping.get("namespaces"), (*where, "namespaces")),
    )


def _table(value: Any, where: tuple[str, ...]) -> dict[str, Seen]:
    """A table of sightings; absent means empty."""
    table = _mapping({} if value is None else value, where)
    return {key: _seen(item, (*where, key)) for key, item in table.items()}


def _seen(value: Any, where: tuple[str, ...]) -> Seen:
    if (
        type(value) is not list
        or len(value) != 3
        or not all(type(item) is int and item >= 0 for item in value)
        or value[1] > value[2]
    ):
        raise _Wrong(where, "[count, first seen, last seen] (whole numbers, first <= last)")
    return Seen(value[0], value[1], value[2])


def _mapping(value: Any, where: tuple[str, ...]) -> dict[str, Any]:
    if type(value) is not dict:
        raise _Wrong(where, "an object")
    return value


def _integer(value: Any, where: tuple[str, ...]) -> int:
    if type(value) is not int or value < 0:
        raise _Wrong(where, "a whole number")
    return value


def _optional_integer(value: Any, where: tuple[str, ...]) -> int | None:
    return None if value is None else _integer(value, where)
