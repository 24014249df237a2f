"""The ``kube-system/aws-auth`` ConfigMap, read the way aws-iam-authenticator reads it.

EKS clusters in ``CONFIG_MAP`` or ``API_AND_CONFIG_MAP`` authentication mode map IAM principals to
Kubernetes users and groups through three keys of this ConfigMap, each a YAML document held in a
string (kubernetes-sigs/aws-iam-authenticator ``pkg/mapper/configmap``):

- ``mapRoles``: a list of ``{rolearn, username, groups}`` (or ``{sso: {permissionSetName,
  accountID}, …}`` for IAM Identity Center roles). ``rolearn`` may hold ``*``/``?`` wildcards;
- ``mapUsers``: a list of ``{userarn, username, groups}``;
- ``mapAccounts``: a list of account ids whose every user and role may authenticate.

The authenticator decodes entries into Go structs through JSON, so keys match case-insensitively
(``roleARN`` works) and the last of two spellings wins; usernames may contain the templates
``{{EC2PrivateDNSName}}``, ``{{SessionName}}``, ``{{SessionNameRaw}}``, ``{{AccountID}}`` and
``{{AccessKeyID}}``, filled in at authentication time.

The strings are parsed with kubeguard's own YAML reader (alias and depth limits, line numbers), so
every entry knows its line within the value. Findings point at the data key's line in the file and
name the entry and its line inside the value, which stays right whatever quoting the file uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.posture.arns import ACCOUNT_ID
from kubeguard.engines.posture.views import as_mapping, as_str, get
from kubeguard.model import FieldPath, Inventory, K8sObject, LineList, SourceError
from kubeguard.yaml_documents import read_documents

NAMESPACE = "kube-system"
NAME = "aws-auth"
ROLES = "mapRoles"
USERS = "mapUsers"
ACCOUNTS = "mapAccounts"
#: The key naming the IAM principal of an entry, per section.
ARN_KEYS = {ROLES: "rolearn", USERS: "userarn"}
#: Username templates aws-iam-authenticator's ``renderTemplate`` fills in.
USERNAME_TEMPLATES = frozenset(
    {
        "{{EC2PrivateDNSName}}",
        "{{SessionName}}",
        "{{SessionNameRaw}}",
        "{{AccountID}}",
        "{{AccessKeyID}}",
    }
)
MASTERS_GROUP = "system:masters"


@dataclass(frozen=True, slots=True)
class IdentityMapping:
    """One entry of ``mapRoles`` or ``mapUsers``."""

    section: str
    index: int
    line: int | None
    """Line of the entry within the section's value (1 is the value's first line)."""
    fields: Mapping[str, Any]
    """The entry's keys, lower-cased as the authenticator matches them."""

    @property
    def arn(self) -> Any:
        """The ``rolearn`` or ``userarn`` value as written (any type)."""
        return self.fields.get(ARN_KEYS[self.section])

    @property
    def username(self) -> str | None:
        """The Kubernetes username, if it is a string."""
        return as_str(self.fields.get("username"))

    @property
    def groups(self) -> tuple[str, ...]:
        """The Kubernetes groups that are strings, in order."""
        raw = self.fields.get("groups")
        if not isinstance(raw, list):
            return ()
        return tuple(group for group in raw if isinstance(group, str))

    @property
    def is_sso(self) -> bool:
        """Whether the entry maps IAM Identity Center roles through ``sso`` instead of an ARN."""
        return self.section == ROLES and "sso" in self.fields

    @property
    def principal(self) -> str:
        """How messages name the mapped principal."""
        arn = as_str(self.arn)
        if arn:
            return arn
        if self.is_sso:
            sso = as_mapping(self.fields.get("sso"))
            return (
                f"IAM Identity Center permission set {sso.get('permissionSetName')!r} "
                f"in account {sso.get('accountID') or sso.get('accountid')!r}"
            )
        return "an unnamed principal"

    @property
    def where(self) -> str:
        """How messages name the entry: ``mapRoles[1] (line 4 of the value)``."""
        line = f" (line {self.line} of the value)" if self.line is not None else ""
        return f"{self.section}[{self.index}]{line}"

    def path(self, *parts: str | int) -> FieldPath:
        """Path of the entry (or a field in it), continuing the ConfigMap path into the value."""
        return ("data", self.section, self.index, *parts)


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """One entry of ``mapAccounts``."""

    index: int
    line: int | None
    value: Any

    @property
    def path(self) -> FieldPath:
        """Path of the entry, continuing the ConfigMap path into the value."""
        return ("data", ACCOUNTS, self.index)

    @property
    def account_id(self) -> str | None:
        """The account id, if the entry is one (YAML may have read it as a number)."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        text = str(value)
        return text if ACCOUNT_ID.fullmatch(text) else None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A section, or an entry of one, the authenticator cannot decode."""

    path: FieldPath
    message: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class AwsAuth:
    """Everything the ConfigMap maps, and what could not be read."""

    mappings: tuple[IdentityMapping, ...]
    accounts: tuple[AccountEntry, ...]
    unreadable: tuple[Unreadable, ...]


def is_aws_auth(obj: K8sObject) -> bool:
    """Whether ``obj`` is the ``kube-system/aws-auth`` ConfigMap."""
    return obj.kind == "ConfigMap" and obj.name == NAME and obj.namespace == NAMESPACE


def read_aws_auth(obj: K8sObject, inventory: Inventory) -> AwsAuth | None:
    """The parsed mappings if ``obj`` is aws-auth, else ``None``; parsed once per scan."""
    if not is_aws_auth(obj):
        return None
    return inventory.derived((parse_aws_auth, id(obj)), lambda _: parse_aws_auth(obj))


def parse_aws_auth(obj: K8sObject) -> AwsAuth:
    """The mappings of an aws-auth ConfigMap; problems are collected, never raised."""
    mappings: list[IdentityMapping] = []
    accounts: list[AccountEntry] = []
    unreadable: list[Unreadable] = []
    data = get(obj.manifest, "data")
    if data is not None and not isinstance(data, Mapping):
        unreadable.append(Unreadable(("data",), "data is not a mapping of strings", data))
        data = {}
    for section in (ROLES, USERS, ACCOUNTS):
        items = _section(as_mapping(data), section, unreadable)
        for index, (line, item) in enumerate(items):
            if section == ACCOUNTS:
                accounts.append(AccountEntry(index, line, item))
            elif isinstance(item, Mapping):
                fields = {str(key).lower(): value for key, value in item.items()}
                mappings.append(IdentityMapping(section, index, line, fields))
            else:
                unreadable.append(
                    Unreadable(
                        ("data", section, index),
                        f"{section}[{index}]{_line(line)} is not a mapping",
                        _kind_of(item),
                    )
                )
    return AwsAuth(tuple(mappings), tuple(accounts), tuple(unreadable))


def _section(
    data: Mapping[str, Any], section: str, unreadable: list[Unreadable]
) -> list[tuple[int | None, Any]]:
    """``(line, item)`` of each list item of ``data[section]``; problems go to ``unreadable``."""
    raw = data.get(section)
    path: FieldPath = ("data", section)
    if raw is None:
        return []
    if not isinstance(raw, str):
        unreadable.append(
            Unreadable(path, f"{section} is {_kind_of(raw)}, not a string holding YAML")
        )
        return []
    if _is_blank(raw):
        return []
    documents = list(read_documents(raw, section))
    first = documents[0] if documents else None
    if isinstance(first, SourceError):
        line = first.location.line if first.location else None
        unreadable.append(Unreadable(path, f"{section}{_line(line)}: {first.message}"))
        return []
    value = first.value if first is not None else None
    if value is None:
        return []
    if not isinstance(value, list):
        unreadable.append(
            Unreadable(path, f"{section} holds {_kind_of(value)}, not a list", _kind_of(value))
        )
        return []
    lines = value.item_lines if isinstance(value, LineList) else [None] * len(value)
    return list(zip(lines, value, strict=True))


def _is_blank(text: str) -> bool:
    """The values the authenticator skips as empty: blanks, ``\"\"`` and two backquotes."""
    return text.strip() in ("", '""', "``")


def _line(line: int | None) -> str:
    return f" (line {line} of the value)" if line is not None else ""


def _kind_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "empty" if value is None else type(value).__name__


def templates_in(username: str) -> Iterator[str]:
    """Every ``{{…}}`` placeholder in ``username``, known or not."""
    start = username.find("{{")
    while start != -1:
        end = username.find("}}", start + 2)
        if end == -1:
            return
        yield username[start : end + 2]
        start = username.find("{{", end + 2)
