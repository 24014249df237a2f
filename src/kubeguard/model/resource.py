"""Kubernetes objects as read from an input, with where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kubeguard.model.records import frozen_record

#: A path into a manifest: mapping keys and list indices, outermost first.
FieldPath = tuple[str | int, ...]


@frozen_record
class SourceLocation:
    """Where something was read: a file (or ``-`` for stdin), a document, a line."""

    path: str
    """File path as given by the user, ``-`` for standard input."""
    line: int | None = None
    """1-based line number, when known."""
    column: int | None = None
    """1-based column number, when known."""
    document: int | None = None
    """0-based index of the YAML document within the file."""

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def at_line(self, line: int | None) -> SourceLocation:
        """The same document, pointing at another line."""
        return SourceLocation(
            self.path, line if line is not None else self.line, None, self.document
        )


class LineMap(dict[str, Any]):
    """A mapping read from YAML that remembers the line of each key."""

    __slots__ = ("key_lines",)

    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence read from YAML that remembers the line of each item."""

    __slots__ = ("item_lines",)

    item_lines: list[int]


def get_path(document: Any, path: FieldPath) -> Any:
    """The value at ``path``, or ``None`` where the path breaks."""
    node = document
    for part in path:
        if isinstance(part, str) and isinstance(node, dict):
            node = node.get(part)
        elif isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def line_of(document: Any, path: FieldPath) -> int | None:
    """The line of the deepest part of ``path`` that exists in ``document``.

    A missing field points at its nearest existing parent, which is where a fix goes.
    """
    line: int | None = None
    node = document
    for part in path:
        if isinstance(node, LineMap) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


class LineIndex(Protocol):
    """Where the fields of a document are written, for documents whose values carry no lines."""

    def line_of(self, path: FieldPath) -> int | None:
        """The line of ``path`` (or of its nearest existing parent), as :func:`line_of` gives."""
        ...


#: Kinds that live outside namespaces; every other kind defaults to the ``default`` namespace.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "PodSecurityPolicy",
        "RuntimeClass",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)


#: API groups of component configuration files (``kubelet.config.k8s.io``, ``apiserver.config.k8s.io``):
#: read from a node's disk, not stored in the API, so without a namespace and usually unnamed.
COMPONENT_CONFIG_GROUP_SUFFIX = ".config.k8s.io"


@dataclass(frozen=True, slots=True)
class ObjectKey:
    """Identity of an object: what makes two objects the same object.

    Kubernetes objects fill every field. Other resources that findings are about use an empty
    ``api_version`` and their own kind: ``Dockerfile`` (name: the file path), ``Image`` (name:
    the reference or digest), so that every engine's findings share one shape.
    """

    api_version: str
    kind: str
    namespace: str | None
    name: str

    def __str__(self) -> str:
        scope = f"{self.namespace}/" if self.namespace else ""
        return f"{scope}{self.kind}/{self.name}"


@dataclass(frozen=True, slots=True, eq=False)
class K8sObject:
    """One Kubernetes object: the manifest as read, and its origin."""

    manifest: Mapping[str, Any]
    """The object as parsed. Never mutated."""
    source: SourceLocation
    """Where the object starts."""
    lines: LineIndex | None = None
    """Where its fields are written, when the manifest's mappings are not :class:`LineMap`."""
    metadata: Mapping[str, Any] = field(init=False)
    kind: str = field(init=False)
    """The ``kind`` field, empty if missing or not a string."""
    api_version: str = field(init=False)
    """The ``apiVersion`` field, empty if missing or not a string."""
    name: str = field(init=False)
    """``metadata.name`` (or ``generateName``), empty if neither is set."""
    namespace: str | None = field(init=False)
    """``metadata.namespace`` as written; ``None`` when the manifest leaves it unset."""
    key: ObjectKey = field(init=False)
    """The object's identity."""
    effective_namespace: str | None = field(init=False)
    """The namespace the object lands in: ``default`` when unset, ``None`` if cluster-scoped."""

    def __post_init__(self) -> None:
        # The manifest is never mutated, so its identity is read once; controls and findings
        # ask for it tens of thousands of times per scan.
        meta = self.manifest.get("metadata")
        metadata = meta if isinstance(meta, dict) else {}
        kind = self.manifest.get("kind")
        version = self.manifest.get("apiVersion")
        api_version = version if isinstance(version, str) else ""
        name = metadata.get("name") or metadata.get("generateName")
        component_config = _is_component_config(api_version)
        if name is None and component_config:
            # Named after its file, as a node reads it, so two configs of one scan stay apart.
            name = self.source.path
            if self.source.document:
                name += f"#{self.source.document}"
        namespace = metadata.get("namespace")
        identity = {
            "metadata": metadata,
            "kind": kind if isinstance(kind, str) else "",
            "api_version": api_version,
            "name": str(name) if name is not None else "",
            "namespace": str(namespace) if namespace is not None else None,
        }
        cluster_scoped = identity["kind"] in CLUSTER_SCOPED_KINDS or component_config
        identity["effective_namespace"] = (
            None if cluster_scoped else (identity["namespace"] or "default")
        )
        for attribute, value in identity.items():
            object.__setattr__(self, attribute, value)
        object.__setattr__(
            self, "key", ObjectKey(self.api_version, self.kind, self.namespace, self.name)
        )

    @property
    def labels(self) -> Mapping[str, str]:
        """``metadata.labels``, empty if missing or malformed."""
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> Mapping[str, str]:
        """``metadata.annotations``, empty if missing or malformed."""
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    def location_of(self, path: FieldPath) -> SourceLocation:
        """Where the field at ``path`` (or its nearest existing parent) is written."""
        if self.lines is not None:
            return self.source.at_line(self.lines.line_of(path))
        return self.source.at_line(line_of(self.manifest, path))


def _is_component_config(api_version: str) -> bool:
    return api_version.partition("/")[0].endswith(COMPONENT_CONFIG_GROUP_SUFFIX)
