"""Kubelet settings as the kubelet itself resolves them, from its configuration file or its flags.

A node's kubelet reads a ``KubeletConfiguration`` document (EKS AMIs ship
``/etc/kubernetes/kubelet/kubelet-config.json``, ``kubelet.config.k8s.io/v1beta1``) and its
command-line flags; a flag overrides the file. The kubelet controls judge two kinds of subject:

- ``KubeletConfiguration`` documents, and
- containers of workloads that run the kubelet binary with flags (a static or self-hosted kubelet,
  as kube-bench and Checkov see it): ``command``/``args`` in exec form, or a ``sh -c`` script.

Where a setting is absent the kubelet's own defaults apply, and they differ by where it is
absent:

- a field missing from a ``KubeletConfiguration`` takes the v1beta1 API default
  (``SetDefaults_KubeletConfiguration``): anonymous auth off, ``Webhook`` authorization, read-only
  port 0 …;
- a flag missing from a kubelet started without a configuration file takes the command-line
  default, which keeps the kubelet's historic values for four settings: anonymous auth on,
  ``AlwaysAllow``, read-only port 10255 (and no webhook authentication);
- a kubelet container that passes ``--config`` (or ``--config-dir``) reads a file the scan cannot
  see: only the flags it passes are judged, never a guessed file.

Reading is cheap on scans without a kubelet: a workload is looked at only when some
``command``/``args`` string contains ``kubelet``, and what is read is kept per object for the
whole scan, so the eight controls share one reading.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubeguard.engines.posture.control import CheckContext, Violation
from kubeguard.engines.posture.views import (
    WORKLOAD_KINDS,
    ContainerView,
    ObjectView,
    WorkloadView,
    as_bool,
    as_int,
    as_str,
    get,
)
from kubeguard.model import FieldPath, K8sObject

CONFIG_KIND = "KubeletConfiguration"
CONFIG_GROUP = "kubelet.config.k8s.io/"
#: What the kubelet controls run on: configuration documents and every workload kind.
KUBELET_KINDS = WORKLOAD_KINDS | {CONFIG_KIND}

BINARY = "kubelet"
#: Flags that name a configuration file the scan cannot read.
CONFIG_FILE_FLAGS = frozenset({"config", "config-dir"})
FEATURE_GATES_FLAG = "feature-gates"
#: Boolean kubelet flags: written without ``=value`` they mean true and take no argument.
BOOLEAN_FLAGS = frozenset(
    {
        "anonymous-auth",
        "authentication-token-webhook",
        "cgroups-per-qos",
        "cpu-cfs-quota",
        "enable-controller-attach-detach",
        "enable-debugging-handlers",
        "enable-server",
        "exit-on-lock-contention",
        "fail-swap-on",
        "help",
        "kernel-memcg-notification",
        "keep-terminated-pod-volumes",
        "local-storage-capacity-isolation",
        "make-iptables-util-chains",
        "protect-kernel-defaults",
        "register-node",
        "register-schedulable",
        "rotate-certificates",
        "rotate-server-certificates",
        "seccomp-default",
        "serialize-image-pulls",
        "version",
    }
)
#: Words after which the next word is a command (so ``systemctl restart kubelet`` runs none).
_COMMAND_PREFIXES = frozenset({"exec", "nohup", "sudo", "env", "then", "do", "else", "--"})
#: A shell's option word that makes the next argument a script: ``-c``, ``-ec``, ``-euxc``.
_SCRIPT_OPTION = re.compile(r"-[a-z]*c")
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")"})
#: Binaries whose first argument names the component to run (``hyperkube kubelet --flag``).
_MULTI_CALL_BINARIES = frozenset({"hyperkube"})

_GO_BOOLEANS = {
    **dict.fromkeys(("1", "t", "T", "true", "TRUE", "True"), True),
    **dict.fromkeys(("0", "f", "F", "false", "FALSE", "False"), False),
}
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


class ValueType(StrEnum):
    """How a setting's value is written, and so how it is read."""

    BOOLEAN = "a boolean"
    INTEGER = "an integer"
    STRING = "a string"
    DURATION = "a duration"


#: Types whose values, written as strings in a file, are shown quoted so the mistake shows.
_QUOTED = frozenset({ValueType.BOOLEAN, ValueType.INTEGER})


@dataclass(frozen=True, slots=True)
class KubeletSetting:
    """One kubelet setting: where a KubeletConfiguration holds it, its flag, its defaults."""

    field: tuple[str, ...]
    """Path of the field in a KubeletConfiguration."""
    flag: str
    """The command-line flag, without dashes (``read-only-port``)."""
    type: ValueType
    default: Any
    """The v1beta1 API default when the field is absent (``None``: no default)."""
    flag_default: Any
    """The value when the flag is absent and the kubelet reads no configuration file."""
    empty_is_unset: bool = False
    """v1beta1 defaulting sees an empty value (``""``, ``0s``) as absent and replaces it."""
    gate: str | None = None
    """For a feature gate: its name, as an entry of ``--feature-gates=Name=bool,…``."""

    @property
    def dotted(self) -> str:
        """The field as users write it: ``authentication.anonymous.enabled``."""
        return ".".join(self.field)


def feature_gate(name: str, *, default: bool) -> KubeletSetting:
    """The setting of feature gate ``name`` (``featureGates.<name>``, ``--feature-gates``)."""
    return KubeletSetting(
        field=("featureGates", name),
        flag=FEATURE_GATES_FLAG,
        type=ValueType.BOOLEAN,
        default=default,
        flag_default=default,
        gate=name,
    )


class Origin(StrEnum):
    """Where the value the kubelet uses comes from."""

    CONFIG = "config"
    FLAG = "flag"
    DEFAULT = "default"
    """The KubeletConfiguration API default for an absent field."""
    FLAG_DEFAULT = "flag default"
    """The command-line default for an absent flag, with no configuration file."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The value one kubelet uses for one setting, and where it is written."""

    setting: KubeletSetting
    value: Any
    """The value as the kubelet reads it (seconds for a duration); ``None`` if unreadable."""
    written: Any
    """The value as written (the default's value when nothing is written)."""
    origin: Origin
    path: FieldPath
    """The field or flag; for a default, the object, mapping or kubelet command it falls to."""
    kubelet: str
    """Which kubelet: ``KubeletConfiguration`` or ``container 'kubelet'``."""

    @property
    def is_default(self) -> bool:
        """Nothing is written: a default applies."""
        return self.origin in (Origin.DEFAULT, Origin.FLAG_DEFAULT)

    def describe(self) -> str:
        """Where the value comes from, in words: ``readOnlyPort is 10255``."""
        setting = self.setting
        shown = _show(self.written)
        if (
            self.origin is Origin.CONFIG
            and isinstance(self.written, str)
            and setting.type in _QUOTED
        ):
            shown = f'"{shown}"'  # a string where a boolean or a number belongs
        if self.origin is Origin.FLAG:
            written = f"{setting.gate}={shown}" if setting.gate else shown
            return f"{self.kubelet} passes --{setting.flag}={written}"
        if self.origin is Origin.CONFIG:
            return f"{setting.dotted} is {shown}"
        if self.origin is Origin.FLAG_DEFAULT:
            unset = f"{self.kubelet} passes neither --{setting.flag} nor --config"
            source = "the kubelet's command-line default"
        else:
            unset = f"{setting.dotted} is not set"
            source = "the KubeletConfiguration default"
        return unset if self.written is None else f"{unset}, so {source} {shown} applies"

    def violation(self, problem: str) -> Violation:
        """A violation at this reading's field: ``<where it comes from>: <problem>``."""
        return Violation(
            path=self.path, message=f"{self.describe()}: {problem}", value=self.written
        )


@dataclass(frozen=True, slots=True)
class Flag:
    """One flag on a kubelet command line."""

    name: str
    value: str
    path: FieldPath
    """The ``command``/``args`` item it is written in."""


@dataclass(frozen=True, slots=True)
class Kubelet:
    """One kubelet: a configuration document, or a container running the binary with flags."""

    label: str
    base: FieldPath
    """Where findings about defaults point: the object root, or the kubelet's command item."""
    config: Mapping[str, Any] | None
    """The KubeletConfiguration document, when it is the subject."""
    flags: tuple[Flag, ...] = ()
    reads_file: bool = False
    """The command line names a configuration file (``--config``) the scan cannot see."""

    def read(self, setting: KubeletSetting) -> Reading | None:
        """The value the kubelet uses; ``None`` when it comes from a file the scan cannot see.

        A flag wins over the configuration, as in the kubelet; the last of repeated flags wins.
        """
        flagged = self._flag(setting)
        if flagged is not None:
            flag, text = flagged
            return Reading(
                setting, _from_text(setting.type, text), text, Origin.FLAG, flag.path, self.label
            )
        if self.config is not None:
            written = get(self.config, *setting.field)
            if written is not None and not (setting.empty_is_unset and _is_empty(written)):
                return Reading(
                    setting,
                    _from_config(setting.type, written),
                    written,
                    Origin.CONFIG,
                    self.base + setting.field,
                    self.label,
                )
            return self._default(
                setting, Origin.DEFAULT, setting.default, _existing_prefix(self.config, setting)
            )
        if self.reads_file:
            return None
        return self._default(setting, Origin.FLAG_DEFAULT, setting.flag_default, ())

    def _flag(self, setting: KubeletSetting) -> tuple[Flag, str] | None:
        found: tuple[Flag, str] | None = None
        for flag in self.flags:
            if flag.name != setting.flag:
                continue
            if setting.gate is None:
                found = (flag, flag.value)
                continue
            for entry in flag.value.split(","):
                name, _, value = entry.partition("=")
                if name.strip() == setting.gate:
                    found = (flag, value.strip())
        return found

    def _default(
        self, setting: KubeletSetting, origin: Origin, value: Any, within: FieldPath
    ) -> Reading:
        typed = value if setting.type is not ValueType.DURATION else _duration(value)
        return Reading(setting, typed, value, origin, self.base + within, self.label)


def kubelets(subject: ObjectView, context: CheckContext) -> tuple[Kubelet, ...]:
    """The kubelets ``subject`` configures or runs, read once per object and scan."""
    memo = context.inventory.derived(_MEMO, _new_memo)
    found = memo.get(subject.obj)
    if found is None:
        found = memo[subject.obj] = tuple(_kubelets_of(subject.obj))
    return found


def runs_kubelet(subject: ObjectView, context: CheckContext) -> bool:
    """Whether ``subject`` configures or runs a kubelet: what the kubelet controls apply to."""
    return bool(kubelets(subject, context))


def judge(
    subject: ObjectView,
    context: CheckContext,
    setting: KubeletSetting,
    problem: Callable[[Reading], str | None],
) -> Iterator[Violation]:
    """One violation per kubelet of ``subject`` whose value of ``setting`` has a ``problem``.

    A value the kubelet cannot read (a string where a boolean belongs) is a violation too: the
    kubelet refuses to start with it, and what the author meant cannot be told.
    """
    for kubelet in kubelets(subject, context):
        yield from verdict(kubelet, setting, problem)


def verdict(
    kubelet: Kubelet, setting: KubeletSetting, problem: Callable[[Reading], str | None]
) -> Iterator[Violation]:
    """The violation, if any, of one kubelet's value of ``setting`` (see :func:`judge`)."""
    reading = kubelet.read(setting)
    if reading is None:
        return
    if reading.value is None and reading.written is not None:
        yield reading.violation(f"the kubelet cannot read this as {setting.type}")
        return
    described = problem(reading)
    if described is not None:
        yield reading.violation(described)


_MEMO = "kubelets by object"


def _new_memo(_: object) -> dict[K8sObject, tuple[Kubelet, ...]]:
    return {}


def _kubelets_of(obj: K8sObject) -> Iterator[Kubelet]:
    if obj.kind == CONFIG_KIND:
        if obj.api_version.startswith(CONFIG_GROUP):
            yield Kubelet(CONFIG_KIND, (), obj.manifest)
        return
    workload = WorkloadView.of(obj)
    if workload is None:
        return
    for container in workload.containers():
        found = _kubelet_container(container)
        if found is not None:
            yield found


def _kubelet_container(container: ContainerView) -> Kubelet | None:
    items = [
        (item, container.path(key, index))
        for key in ("command", "args")
        for index, item in enumerate(_str_items(container.field(key)))
        if item is not None
    ]
    # The cheap test first: most containers never mention the kubelet.
    if not any(BINARY in item for item, _ in items):
        return None
    words = list(_words(items))
    start = _invocation(words)
    if start is None:
        return None
    flags = tuple(_flags(words[start + 1 :]))
    return Kubelet(
        container.label,
        words[start][1],
        None,
        flags,
        reads_file=any(flag.name in CONFIG_FILE_FLAGS for flag in flags),
    )


def _str_items(value: Any) -> list[str | None]:
    """The items of a list, strings kept and anything else as ``None`` (indices preserved)."""
    if not isinstance(value, list):
        return []
    return [as_str(item) for item in value]


def _words(items: list[tuple[str, FieldPath]]) -> Iterator[tuple[str, FieldPath]]:
    """The command line as words, each with the item it is written in.

    An exec-form item is one word; the item after ``-c`` is a shell script, split as the shell
    would (quotes, ``\\`` line continuations), each of its lines starting a new command.
    """
    previous = ""
    for item, path in items:
        if not _SCRIPT_OPTION.fullmatch(previous):
            yield item, path
        else:
            for line in item.replace("\\\n", " ").splitlines():
                yield ";", path
                for word in _shell_words(line):
                    yield word, path
        previous = item


def _shell_words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: the shell would refuse it too
        return line.split()


def _invocation(words: list[tuple[str, FieldPath]]) -> int | None:
    """Index of the word that runs the kubelet binary, if one does."""
    for index, (word, _) in enumerate(words):
        # A flag's value may end in ``/kubelet`` (``--kubelet-service=kube-system/kubelet``).
        if _basename(word) != BINARY or word.startswith("-") or "=" in word:
            continue
        before = words[index - 1][0] if index else ""
        if (
            index == 0
            or before in _COMMAND_PREFIXES
            or before in _SEPARATORS
            or _basename(before) in _MULTI_CALL_BINARIES
        ):
            return index
    return None


def _flags(words: list[tuple[str, FieldPath]]) -> Iterator[Flag]:
    """The ``--name[=value]`` flags of a command line, as pflag reads them."""
    index = 0
    while index < len(words):
        word, path = words[index]
        index += 1
        if word in _SEPARATORS or word == "--":
            return
        if not word.startswith("--"):
            continue
        name, has_value, value = word[2:].partition("=")
        name = name.replace("_", "-")
        if not has_value:
            if name in BOOLEAN_FLAGS:
                value = "true"
            elif index < len(words) and not _takes_no_value(words[index][0]):
                value = words[index][0]
                index += 1
        yield Flag(name, value, path)


def _takes_no_value(word: str) -> bool:
    return word.startswith("--") or word in _SEPARATORS


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _existing_prefix(config: Mapping[str, Any], setting: KubeletSetting) -> FieldPath:
    """The deepest mapping on the way to the setting's field that the document has."""
    node: Any = config
    prefix: list[str] = []
    for part in setting.field[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            break
        prefix.append(part)
    return tuple(prefix)


def _is_empty(value: Any) -> bool:
    return value == "" or (isinstance(value, str) and _duration(value) == 0)


def _from_config(value_type: ValueType, value: Any) -> Any:
    if value_type is ValueType.BOOLEAN:
        return as_bool(value)
    if value_type is ValueType.INTEGER:
        return as_int(value)
    if value_type is ValueType.STRING:
        return as_str(value)
    return _duration(value)


def _from_text(value_type: ValueType, text: str) -> Any:
    if value_type is ValueType.BOOLEAN:
        return _GO_BOOLEANS.get(text)
    if value_type is ValueType.INTEGER:
        try:
            return int(text, 0)
        except ValueError:
            return None
    if value_type is ValueType.STRING:
        return text
    return _duration(text)


def _duration(value: Any) -> float | None:
    """Seconds in a Go duration (``4h0m0s``, ``300ms``, ``-1.5h``, ``0``); ``None`` if invalid."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == "0":
        return 0.0
    if not text or _DURATION_PART.sub("", text):
        return None
    return sign * sum(
        float(number) * _DURATION_UNITS[unit] for number, unit in _DURATION_PART.findall(text)
    )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value if value else '""'
    return str(value)
