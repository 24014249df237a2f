"""Credentials written in clear text, found by their format or by the name they are given.

Formats recognised (shapes from the public gitleaks and trufflehog rule sets, re-written here):

- AWS access key ids (``AKIA``, ``ASIA``, ``ABIA``, ``ACCA`` + 16 characters) and AWS secret
  access keys (40 characters) assigned to an ``aws_secret_access_key``-like name;
- PEM private keys (``-----BEGIN … PRIVATE KEY-----`` followed by key material);
- GitHub tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_`` + 36, ``github_pat_`` + 82);
- Slack tokens (``xoxb-``, ``xoxp-``, ``xoxa-``, ``xoxr-``, ``xoxs-``, ``xoxe-``) and incoming
  webhook URLs;
- JSON Web Tokens (``eyJ….eyJ….…``), which include Kubernetes service-account tokens;
- passwords in URLs (``scheme://user:password@host``);
- assignments to sensitive names inside text (``password=…``, ``"apiKey": "…"``,
  ``--token …``), the "generic password assignment" of secret scanners, unless the assigned
  value is program text (``token=os.environ[…]``, ``password=args.password``). ``passwd`` is not
  such a name inside text: ``/etc/nsswitch.conf`` and ``/etc/passwd`` lines use it for other
  things.

A *sensitive name* ends in a word such as ``PASSWORD``, ``SECRET``, ``TOKEN``, ``CREDENTIALS`` or
a pair such as ``API_KEY``, ``ACCESS_KEY``, ``PRIVATE_KEY``, ``CLIENT_SECRET``, whatever the case
and separators (``dbPassword``, ``DB_PASSWORD``, ``db-password``). Names that merely point at a
secret (``PASSWORD_FILE``, ``SECRET_NAME``, ``TOKEN_PATH``, ``ACCESS_KEY_ID``) are not sensitive.
A value counts as a *literal* unless it is empty, a reference (``$(VAR)``, ``${VAR}``,
``{{ … }}``), an angle-bracket placeholder, a path, a boolean, a number, or an environment
variable's name.

Nothing here ever returns the secret: a :class:`Credential` carries the kind, a preview made of
the format's fixed prefix only (``AKIA…``), the length, and a digest to tell repeats apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Last words that make a name sensitive.
SENSITIVE_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "PRIVATEKEY",
    }
)
#: Last two words that make a name sensitive.
SENSITIVE_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("SECRET", "KEY"),
        ("PRIVATE", "KEY"),
        ("MASTER", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("SIGNING", "KEY"),
        ("CLIENT", "SECRET"),
        ("AUTH", "KEY"),
    }
)
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[0-9]+")

_REFERENCE = re.compile(
    r"^(?:\$\(.*\)|\$\{.*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|%\(.*\)s?|<.*>|\[.*\]|\{.*\}"
    r"|\*+|x+|X+|\.+|-+)$",
    re.DOTALL,
)
_PATH = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9_.]*$")
_NON_SECRETS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "undefined", "empty"}
)


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential found in text, described without its value."""

    kind: str
    """What it is: ``AWS access key id``, ``private key`` …"""
    preview: str
    """The format's fixed prefix and an ellipsis (``AKIA…``); never any secret character."""
    length: int
    start: int
    """Offset of the match in the searched text, to say on which line it is."""
    digest: str = field(repr=False)
    """SHA-256 of the value, to report a credential repeated in one object once."""

    @property
    def shown(self) -> str:
        """How messages and evidence show it: ``AKIA… [redacted, 20 characters]``."""
        redacted = f"[redacted, {self.length} characters]"
        return redacted if self.preview == "…" else f"{self.preview} {redacted}"


@dataclass(frozen=True, slots=True)
class _Format:
    kind: str
    pattern: re.Pattern[str]
    prefix: int | None
    """Characters of the match that are the format's fixed prefix (``None``: the whole header)."""
    keywords: tuple[str, ...]
    """Text that every match contains: a cheap test that skips the regex for most inputs."""


_FORMATS = (
    _Format(
        "AWS access key id",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
        4,
        ("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    _Format(
        "private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?=[\s\S]{0,300}?[A-Za-z0-9+/]{40})"
        ),
        None,
        ("PRIVATE KEY",),
    ),
    _Format(
        "GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
        4,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    _Format(
        "GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])"),
        11,
        ("github_pat_",),
    ),
    _Format(
        "Slack token", re.compile(r"(?<![A-Za-z0-9])xox[baprse]-[A-Za-z0-9-]{10,}"), 5, ("xox",)
    ),
    _Format(
        "Slack webhook URL",
        re.compile(
            r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]{16,}"
        ),
        len("https://hooks.slack.com/services/"),
        ("hooks.slack.com",),
    ),
    _Format(
        "JSON Web Token",
        re.compile(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*"
        ),
        3,
        ("eyJ",),
    ),
)
_AWS_SECRET = re.compile(
    r"(?i)aws_?secret_?access_?key[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
)
_URL_PASSWORD = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*)://[^/\s:@'\"]*:([^/\s@'\"]+)@")
#: A sensitive word ending a name, an ``=`` or ``:``, and the value; the rest of the name is
#: found by walking back from the word, which is much faster than a regex prefix.
_ASSIGNMENT = re.compile(
    r"(?i)(password|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"
    r"client[_-]?secret|credentials?)"
    r"[\"']?[ \t]*(?:=|:(?!//))[ \t]*[\"']?([^\s\"',;`]+)"
)
_ASSIGNMENT_KEYWORDS = ("pass", "pwd", "secret", "token", "key", "credential")
#: Text one of the searches needs, lower-cased; most strings of a manifest have none and are
#: skipped after one pass (a case-insensitive pattern would be ten times slower).
_ANY_HINT = re.compile(
    "|".join(
        re.escape(keyword.lower())
        for keyword in sorted(
            {k for f in _FORMATS for k in f.keywords} | set(_ASSIGNMENT_KEYWORDS) | {"://"}
        )
    )
)
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_FLAG = re.compile(r"^--?([A-Za-z0-9_.-]+)$")
#: Assigned values that are program text, not a secret: calls, indexing, attribute access.
_CODE = re.compile(r"[()\[\]{}]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_PEM_FOOTER = "-----END "


def words_of(name: str) -> list[str]:
    """The words of an identifier, upper-cased: ``dbPassword`` and ``DB_PASSWORD`` give DB, PASSWORD."""
    return [word.upper() for word in _WORDS.findall(name)]


def sensitive_name(name: str) -> bool:
    """Whether a variable or key of this name is meant to hold a secret."""
    words = words_of(name)
    if not words:
        return False
    if words[-1] in SENSITIVE_WORDS:
        return True
    return len(words) >= 2 and (words[-2], words[-1]) in SENSITIVE_PAIRS


def literal_value(value: str) -> bool:
    """Whether ``value`` is written-out text rather than a reference, path, flag or placeholder."""
    text = value.strip().strip("\"'")
    if not text or text.lower() in _NON_SECRETS:
        return False
    return not (
        _REFERENCE.match(text) or _PATH.match(text) or _ENV_NAME.match(text) or _NUMBER.match(text)
    )


def masked(value: str) -> str:
    """A literal value as findings show it: its length only."""
    return f"[redacted, {len(value)} characters]"


def find_credentials(text: str) -> list[Credential]:
    """Every credential in ``text``, formats first; an assignment overlapping a format is dropped."""
    lowered = text.lower()
    if not _ANY_HINT.search(lowered):
        return []
    found: list[Credential] = []
    taken: list[tuple[int, int]] = []
    for credential, span in _formats(text, lowered):
        found.append(credential)
        taken.append(span)
    if ("=" not in text and ":" not in text) or not any(
        keyword in lowered for keyword in _ASSIGNMENT_KEYWORDS
    ):
        return found
    for credential, span in _assignments(text):
        if not any(span[0] < end and start < span[1] for start, end in taken):
            found.append(credential)
            taken.append(span)
    return sorted(found, key=lambda c: c.start)


def flag_values(words: list[str]) -> Iterator[tuple[int, str]]:
    """``(index, name)`` of command-line words that are the value of a sensitive flag.

    ``["--password", "hunter2"]`` yields ``(1, "password")``: the secret is the next word.
    """
    for index, word in enumerate(words[:-1]):
        flag = _FLAG.match(word)
        following = words[index + 1]
        if (
            flag
            and sensitive_name(flag.group(1))
            and literal_value(following)
            and not following.startswith("-")
        ):
            yield index + 1, flag.group(1)


def credential_of(kind: str, value: str, start: int = 0) -> Credential:
    """A :class:`Credential` for a literal found by its name, showing only its length."""
    return Credential(kind, "…", len(value), start, _digest(value))


def _formats(text: str, lowered: str) -> Iterator[tuple[Credential, tuple[int, int]]]:
    for known in _FORMATS:
        if not any(keyword in text for keyword in known.keywords):
            continue
        for match in known.pattern.finditer(text):
            start, end = match.span()
            if known.prefix is None:
                # A PEM header is not secret; the key is the block up to its END line.
                preview = match.group() + "…"
                end = _block_end(text, end)
            else:
                preview = match.group()[: known.prefix] + "…"
            secret = text[start:end]
            yield (
                Credential(known.kind, preview, len(secret), start, _digest(secret)),
                (start, end),
            )
    for match in _AWS_SECRET.finditer(text) if "secret" in lowered else ():
        secret = match.group(1)
        yield (
            Credential("AWS secret access key", "…", len(secret), match.start(1), _digest(secret)),
            match.span(1),
        )
    for match in _URL_PASSWORD.finditer(text) if "://" in text and "@" in text else ():
        secret = match.group(2)
        if literal_value(secret):
            yield (
                Credential(
                    "password in a URL",
                    f"{match.group(1)}://…:…@",
                    len(secret),
                    match.start(2),
                    _digest(secret),
                ),
                match.span(2),
            )


def _assignments(text: str) -> Iterator[tuple[Credential, tuple[int, int]]]:
    for match in _ASSIGNMENT.finditer(text):
        start = match.start(1)
        while start > 0 and text[start - 1] in _NAME_CHARACTERS:
            start -= 1
        name, secret = text[start : match.end(1)], match.group(2)
        if sensitive_name(name) and literal_value(secret) and not _CODE.search(secret):
            yield (
                Credential(
                    f"value assigned to {name.strip('-')!r}",
                    "…",
                    len(secret),
                    match.start(2),
                    _digest(secret),
                ),
                match.span(2),
            )


def _block_end(text: str, header_end: int) -> int:
    footer = text.find(_PEM_FOOTER, header_end)
    if footer == -1:
        return len(text)
    line_end = text.find("\n", footer)
    return len(text) if line_end == -1 else line_end


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
