"""Who RBAC grants to: users, groups and service accounts, with the groups the API server adds.

The authorizer sees a user name and a list of groups. Authentication adds groups no binding
names explicitly: every authenticated identity is in ``system:authenticated``; a service account
``ns/name`` is the user ``system:serviceaccount:ns:name`` in ``system:serviceaccounts`` and
``system:serviceaccounts:ns``; an anonymous request is the user ``system:anonymous`` in
``system:unauthenticated``. Members of ``system:masters`` pass every authorization check before
RBAC is consulted. Groups a user gets from its authenticator (OIDC claims, aws-auth mappings) are
not in the objects scanned; ask about them as groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubeguard.engines.posture.views import as_str

SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"
ALL_SERVICE_ACCOUNTS = "system:serviceaccounts"
AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"
MASTERS = "system:masters"
NODES = "system:nodes"

#: Groups whose members nobody picks: everyone, every service account, or nobody in particular.
BROAD_GROUPS = frozenset({AUTHENTICATED, UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS})


class SubjectKind(StrEnum):
    """The three kinds of subject a binding may name."""

    USER = "User"
    GROUP = "Group"
    SERVICE_ACCOUNT = "ServiceAccount"


@dataclass(frozen=True, slots=True, order=True)
class Subject:
    """A user, a group or a service account (``namespace`` only for service accounts)."""

    kind: SubjectKind
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        if self.kind is SubjectKind.SERVICE_ACCOUNT:
            return f"ServiceAccount {self.namespace}/{self.name}"
        return f"{self.kind.value} {self.name}"

    @classmethod
    def user(cls, name: str) -> Subject:
        """A user; ``system:serviceaccount:ns:name`` is the service account it names."""
        if name.startswith(SERVICE_ACCOUNT_USER_PREFIX):
            namespace, _, account = name[len(SERVICE_ACCOUNT_USER_PREFIX) :].partition(":")
            if namespace and account and ":" not in account:
                return cls(SubjectKind.SERVICE_ACCOUNT, account, namespace)
        return cls(SubjectKind.USER, name)

    @classmethod
    def group(cls, name: str) -> Subject:
        """A group."""
        return cls(SubjectKind.GROUP, name)

    @classmethod
    def service_account(cls, namespace: str, name: str) -> Subject:
        """A service account."""
        return cls(SubjectKind.SERVICE_ACCOUNT, name, namespace)

    @classmethod
    def parse(cls, text: str) -> Subject | None:
        """Read ``user:NAME``, ``group:NAME``, ``serviceaccount:NS/NAME`` (or ``sa:``),
        ``system:serviceaccount:NS:NAME`` or a bare user name; ``None`` if malformed.
        """
        prefix, separator, rest = text.partition(":")
        kind = prefix.lower()
        if separator and rest and kind == "user":
            return cls.user(rest)
        if separator and rest and kind == "group":
            return cls.group(rest)
        if separator and kind in ("serviceaccount", "sa"):
            namespace, _, name = rest.replace(":", "/", 1).partition("/")
            return cls.service_account(namespace, name) if namespace and name else None
        return cls.user(text) if text else None

    @property
    def username(self) -> str | None:
        """The user name the API server sees (``None`` for a group)."""
        if self.kind is SubjectKind.SERVICE_ACCOUNT:
            return f"{SERVICE_ACCOUNT_USER_PREFIX}{self.namespace}:{self.name}"
        return self.name if self.kind is SubjectKind.USER else None

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups authentication puts this identity in, its own name first for a group."""
        if self.kind is SubjectKind.SERVICE_ACCOUNT:
            return (ALL_SERVICE_ACCOUNTS, f"{ALL_SERVICE_ACCOUNTS}:{self.namespace}", AUTHENTICATED)
        if self.kind is SubjectKind.USER:
            return (UNAUTHENTICATED,) if self.name == ANONYMOUS else (AUTHENTICATED,)
        if self.name in (UNAUTHENTICATED, AUTHENTICATED):
            return (self.name,)
        if self.name.startswith(f"{ALL_SERVICE_ACCOUNTS}:"):
            return (self.name, ALL_SERVICE_ACCOUNTS, AUTHENTICATED)
        return (self.name, AUTHENTICATED)

    @property
    def is_superuser(self) -> bool:
        """A member of ``system:masters``: the API server allows every request before RBAC."""
        return MASTERS in self.groups

    @property
    def is_broad(self) -> bool:
        """Anonymous, all authenticated, all service accounts, or all of one namespace's."""
        if self.kind is SubjectKind.USER:
            return self.name == ANONYMOUS
        return self.kind is SubjectKind.GROUP and (
            self.name in BROAD_GROUPS or self.name.startswith(f"{ALL_SERVICE_ACCOUNTS}:")
        )

    @property
    def members(self) -> str:
        """Who the subject stands for, in words: ``every ServiceAccount of namespace a``."""
        if self.kind is SubjectKind.SERVICE_ACCOUNT:
            return "one ServiceAccount"
        if self.name in (ANONYMOUS, UNAUTHENTICATED):
            return "every unauthenticated request"
        if self.kind is SubjectKind.USER:
            return "one user"
        if self.name == AUTHENTICATED:
            return "every authenticated user and ServiceAccount"
        if self.name == ALL_SERVICE_ACCOUNTS:
            return "every ServiceAccount"
        if self.name.startswith(f"{ALL_SERVICE_ACCOUNTS}:"):
            return f"every ServiceAccount of namespace {self.name.split(':', 2)[2]}"
        return "the group's members"

    @property
    def is_system(self) -> bool:
        """A name Kubernetes or EKS reserves (``system:…``, ``eks:…``) that is not a broad group."""
        if self.kind is SubjectKind.SERVICE_ACCOUNT or self.is_broad:
            return False
        return self.name.startswith(("system:", "eks:"))


def binding_subject(raw: Any, binding_namespace: str | None) -> Subject | None:
    """The subject a binding's ``subjects[i]`` names, or ``None`` when it can match nobody.

    A ServiceAccount subject without a namespace takes the binding's namespace; in a
    ClusterRoleBinding, which has none, such a subject matches nobody.
    """
    entry: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    kind, name = as_str(entry.get("kind")), as_str(entry.get("name"))
    if not name:
        return None
    if kind == SubjectKind.USER:
        return Subject.user(name)
    if kind == SubjectKind.GROUP:
        return Subject.group(name)
    if kind == SubjectKind.SERVICE_ACCOUNT:
        namespace = as_str(entry.get("namespace")) or binding_namespace
        return Subject.service_account(namespace, name) if namespace else None
    return None
