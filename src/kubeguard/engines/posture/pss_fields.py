"""How Pod Security Standards checks read security settings of a pod and its containers.

Most PSS checks follow one of two shapes over the pod-level ``securityContext`` and every
container's (init and ephemeral ones included):

* a *forbidden value*: where a field is set, it must hold an allowed value (baseline checks);
* a *required value*: the pod-level field holds an allowed value, or else every container sets
  one, and nobody sets a bad one explicitly (``runAsNonRoot``, ``seccompProfile`` at restricted).

This module implements those two shapes once, plus the version-dependent exemptions PSA grants
Windows pods and pods in a user namespace, and the ``reason (detail)`` message PSA writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation
from kubeguard.engines.posture.pss import effective_minor
from kubeguard.engines.posture.views import WorkloadView, get
from kubeguard.model import FieldPath

#: First policy version exempting ``spec.os.name: windows`` pods from the Linux-only checks.
WINDOWS_EXEMPT_SINCE = 25
#: First policy version relaxing some checks for pods with ``spec.hostUsers: false``.
USER_NAMESPACE_RELAXED_SINCE = 35


def pss_violation(reason: str, detail: str, path: FieldPath, value: Any = None) -> Violation:
    """A violation worded like PSA: its forbidden reason, then what exactly is wrong."""
    return Violation(path=path, message=f"{reason} ({detail})", value=value)


def policy_minor(context: CheckContext) -> int:
    """The policy minor version whose check revisions are in force for this scan."""
    return effective_minor(context.settings.pss_version)


def windows_exempt(workload: WorkloadView, context: CheckContext) -> bool:
    """Whether a Linux-only restricted check passes because the pod declares Windows."""
    return policy_minor(context) >= WINDOWS_EXEMPT_SINCE and workload.is_windows


def user_namespace_relaxed(workload: WorkloadView, context: CheckContext) -> bool:
    """Whether a check passes because the pod runs in its own user namespace."""
    return policy_minor(context) >= USER_NAMESPACE_RELAXED_SINCE and workload.host_users_disabled


@dataclass(frozen=True, slots=True)
class Setter:
    """The pod or one container, as the owner of a ``securityContext``."""

    label: str
    """``pod``, or the container's :attr:`~kubeguard.engines.posture.views.ContainerView.label`."""
    context_path: FieldPath
    """Path of this owner's ``securityContext`` from the object root."""
    context: Mapping[str, Any]
    """The ``securityContext`` itself, empty if absent or malformed."""

    def get(self, *keys: str) -> Any:
        """The raw value at ``keys`` inside the ``securityContext``."""
        return get(self.context, *keys)

    def path(self, *keys: str) -> FieldPath:
        """Path of a ``securityContext`` field from the object root."""
        return self.context_path + keys


def pod_setter(workload: WorkloadView) -> Setter:
    """The pod-level ``securityContext`` (built once per workload: most PSS checks read it)."""
    return workload.derived(_pod_setter)


def container_setters(workload: WorkloadView) -> tuple[Setter, ...]:
    """Every container's ``securityContext``, in the order PSA visits them (built once)."""
    return workload.derived(_container_setters)


def _pod_setter(workload: WorkloadView) -> Setter:
    return Setter("pod", workload.path("securityContext"), workload.security_context)


def _container_setters(workload: WorkloadView) -> tuple[Setter, ...]:
    return tuple(
        Setter(container.label, container.path("securityContext"), container.security_context)
        for container in workload.containers()
    )


@dataclass(frozen=True, slots=True)
class SecurityField:
    """A field inside ``securityContext``, read the way the API server decodes it."""

    keys: tuple[str, ...]
    in_struct: bool = False
    """The leaf is a plain string inside an optional object (``seccompProfile.type``): when the
    object is present, an absent leaf reads as the empty string, which no check allows."""

    def read(self, setter: Setter) -> Any:
        """The value ``setter`` sets, or ``None`` where it leaves the field unset."""
        value = setter.get(*self.keys)
        if value is None and self.in_struct and setter.get(*self.keys[:-1]) is not None:
            return ""
        return value

    @property
    def dotted(self) -> str:
        """``securityContext.<keys>``, as messages name the field."""
        return ".".join(("securityContext", *self.keys))


@dataclass(frozen=True, slots=True)
class Setting:
    """One owner's value of a :class:`SecurityField` that a check rejects."""

    setter: Setter
    value: Any
    """The value set, ``None`` when the field is missing but required."""
    path: FieldPath


def forbidden_settings(
    workload: WorkloadView,
    field: SecurityField,
    allowed: Callable[[Any], bool],
    *,
    pod_level: bool = True,
) -> Iterator[Setting]:
    """Each owner that sets ``field`` to a value ``allowed`` rejects; unset is fine."""
    owners = container_setters(workload)
    for setter in (pod_setter(workload), *owners) if pod_level else owners:
        value = field.read(setter)
        if value is not None and not allowed(value):
            yield Setting(setter, value, setter.path(*field.keys))


def required_settings(
    workload: WorkloadView,
    field: SecurityField,
    allowed: Callable[[Any], bool],
    *,
    pod_level: bool = True,
) -> Iterator[Setting]:
    """Owners that break a required setting: explicit bad values, and containers that leave
    ``field`` unset while the pod level (if ``pod_level``) does not set a good value."""
    pod_covers = False
    if pod_level:
        pod = pod_setter(workload)
        value = field.read(pod)
        if value is not None:
            pod_covers = allowed(value)
            if not pod_covers:
                yield Setting(pod, value, pod.path(*field.keys))
    for setter in container_setters(workload):
        value = field.read(setter)
        if value is None:
            if not pod_covers:
                yield Setting(setter, None, setter.path(*field.keys))
        elif not allowed(value):
            yield Setting(setter, value, setter.path(*field.keys))


def forbidden_value_violations(
    reason: str,
    workload: WorkloadView,
    field: SecurityField,
    allowed: Callable[[Any], bool],
    *,
    pod_level: bool = True,
) -> Iterator[Violation]:
    """PSA-worded violations of :func:`forbidden_settings`."""
    for setting in forbidden_settings(workload, field, allowed, pod_level=pod_level):
        yield _must_not_set(reason, field, setting)


def required_value_violations(
    reason: str,
    workload: WorkloadView,
    field: SecurityField,
    allowed: Callable[[Any], bool],
    wanted: str,
    *,
    pod_level: bool = True,
) -> Iterator[Violation]:
    """PSA-worded violations of :func:`required_settings`; ``wanted`` words the good value."""
    for setting in required_settings(workload, field, allowed, pod_level=pod_level):
        if setting.value is not None:
            yield _must_not_set(reason, field, setting)
            continue
        owner = setting.setter.label
        yield pss_violation(
            reason,
            f"{'pod or ' if pod_level else ''}{owner} must set {field.dotted} to {wanted}",
            setting.path,
        )


def _must_not_set(reason: str, field: SecurityField, setting: Setting) -> Violation:
    return pss_violation(
        reason,
        f"{setting.setter.label} must not set {field.dotted} to {shown(setting.value)}",
        setting.path,
        setting.value,
    )


def one_of(allowed: frozenset[str]) -> Callable[[Any], bool]:
    """A test that a value is one of the strings ``allowed`` (safe for unhashable values)."""
    return lambda value: isinstance(value, str) and value in allowed


def shown(value: Any) -> str:
    """A value as a message shows it: ``true``, ``0``, ``'Unconfined'``, ``'a', 'b'``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def volume_label(index: int, volume: Mapping[str, Any]) -> str:
    """How a message names a volume: ``volume 'data'`` (``volume #2`` if it has no name)."""
    name = volume.get("name")
    return f"volume {name!r}" if isinstance(name, str) else f"volume #{index}"
