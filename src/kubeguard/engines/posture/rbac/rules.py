"""RBAC policy rules and requests, matched exactly as the API server's RBAC authorizer does.

A request is allowed by a rule when every part matches:

* **verb**: the rule lists the verb or ``*``;
* **API group**: the rule lists the group (``""`` is the core group) or ``*``;
* **resource**: the rule lists ``*`` (every resource and every subresource), the resource as
  requested (``pods``, or ``pods/exec`` for a subresource: ``pods`` alone does not match
  ``pods/exec``), or ``*/<subresource>`` (that subresource of every resource);
* **name**: the rule lists no ``resourceNames``, or lists the requested name. Requests on a
  collection (``list``, ``watch``, ``create``, ``deletecollection``) carry no name, so a rule with
  ``resourceNames`` never grants them;
* **non-resource URL** (``/healthz``, ``/metrics``): the rule lists the path, ``*``, or a prefix
  ending in ``*``; only the verb and the path count.

Rules come from untrusted manifests: a field of the wrong type grants nothing, and items that are
not strings are dropped, so a typo never widens access.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from kubeguard.engines.posture.views import as_str_list

#: The wildcard of verbs, groups, resources and URLs.
ALL = "*"
CORE_GROUP = ""


class RoleKey(NamedTuple):
    """Identity of a Role (``namespace`` set) or ClusterRole (``namespace`` empty)."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        scope = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {scope}{self.name}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of a role's ``rules``, and where it is written."""

    verbs: frozenset[str]
    api_groups: frozenset[str]
    resources: frozenset[str]
    resource_names: frozenset[str]
    non_resource_urls: tuple[str, ...]
    origin: RoleKey
    """The role whose manifest holds this rule (an aggregation source, for aggregated roles)."""
    index: int
    """Position in the origin's ``rules``."""

    @classmethod
    def parse(cls, raw: Any, origin: RoleKey, index: int) -> Rule:
        """A rule from a manifest entry; a malformed entry gives a rule that grants nothing."""
        entry: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        return cls(
            verbs=frozenset(as_str_list(entry.get("verbs"))),
            api_groups=frozenset(as_str_list(entry.get("apiGroups"))),
            resources=frozenset(as_str_list(entry.get("resources"))),
            resource_names=frozenset(as_str_list(entry.get("resourceNames"))),
            non_resource_urls=tuple(as_str_list(entry.get("nonResourceURLs"))),
            origin=origin,
            index=index,
        )

    @property
    def content(self) -> tuple[object, ...]:
        """What the rule grants, without where it is written (to spot copies of one rule)."""
        return (
            self.verbs,
            self.api_groups,
            self.resources,
            self.resource_names,
            frozenset(self.non_resource_urls),
        )

    @property
    def location(self) -> str:
        """``Role ns/name rules[2]``: where to read or fix the rule."""
        return f"{self.origin} rules[{self.index}]"

    def allows(self, request: Request) -> bool:
        """Whether this rule alone allows ``request`` (scope is the binding's business)."""
        if not verb_matches(self.verbs, request.verb):
            return False
        if request.path:
            return url_matches(self.non_resource_urls, request.path)
        return (
            (ALL in self.api_groups or request.api_group in self.api_groups)
            and resource_matches(self.resources, request.resource, request.subresource)
            and (not self.resource_names or request.name in self.resource_names)
        )

    def requests_in(self, namespace: str) -> Iterator[Request]:
        """Every request the rule allows, wildcards kept literal, for comparing grants."""
        for verb in sorted(self.verbs):
            for path in self.non_resource_urls:
                yield Request(verb, path=path)
            for group in sorted(self.api_groups):
                for combined in sorted(self.resources):
                    resource, _, subresource = combined.partition("/")
                    for name in sorted(self.resource_names) or [""]:
                        yield Request(verb, resource, subresource, group, name, namespace)

    def describe(self) -> str:
        """The rule in one line: ``get,list secrets [names: a,b]`` or ``get /metrics``."""
        verbs = ",".join(sorted(self.verbs)) or "(no verbs)"
        if self.non_resource_urls and not self.resources:
            return f"{verbs} {','.join(self.non_resource_urls)}"
        resources = ",".join(sorted(self.resources)) or "(no resources)"
        groups = sorted(self.api_groups)
        if ALL in groups:
            resources += " in every API group"
        elif groups and groups != [CORE_GROUP]:
            resources += " in " + ",".join(group or "core" for group in groups)
        text = f"{verbs} {resources}"
        if self.resource_names:
            text += f" [names: {','.join(sorted(self.resource_names))}]"
        return text


@dataclass(frozen=True, slots=True)
class Request:
    """What a client asks the API server, as the authorizer sees it."""

    verb: str
    resource: str = ""
    subresource: str = ""
    api_group: str = CORE_GROUP
    name: str = ""
    """Empty for requests on a collection (list, watch, create, deletecollection)."""
    namespace: str = ""
    """Empty for cluster-scoped resources and for requests across all namespaces."""
    path: str = ""
    """Set for a non-resource request (``/healthz``); resource fields are then ignored."""

    @property
    def combined_resource(self) -> str:
        """``pods`` or ``pods/exec``: the form rules list."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def describe(self) -> str:
        """``create pods/exec in shop``, ``get /metrics``, ``list secrets cluster-wide``."""
        if self.path:
            return f"{self.verb} {self.path}"
        group = f".{self.api_group}" if self.api_group else ""
        name = f" named {self.name!r}" if self.name else ""
        scope = f"in namespace {self.namespace}" if self.namespace else "cluster-wide"
        return f"{self.verb} {self.combined_resource}{group}{name} {scope}"


def verb_matches(verbs: frozenset[str], verb: str) -> bool:
    """The rule's verbs include ``verb`` or ``*``."""
    return ALL in verbs or verb in verbs


def resource_matches(resources: frozenset[str], resource: str, subresource: str) -> bool:
    """The authorizer's resource match, subresources and ``*/<subresource>`` included."""
    if ALL in resources:
        return True
    if subresource:
        return f"{resource}/{subresource}" in resources or f"*/{subresource}" in resources
    return resource in resources


def url_matches(urls: tuple[str, ...], path: str) -> bool:
    """A non-resource URL matches exactly, or by a prefix that ends in ``*``."""
    for url in urls:
        if url in (ALL, path):
            return True
        if url.endswith(ALL) and path.startswith(url.rstrip(ALL)):
            return True
    return False
