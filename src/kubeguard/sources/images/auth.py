"""Registry credentials and the distribution API's authentication challenge.

A registry that wants credentials answers 401 with ``WWW-Authenticate``: ``Basic realm=…``
asks for the credentials on every request; ``Bearer realm=…,service=…,scope=…`` asks the client
to fetch a token from ``realm`` (sending the credentials there, if it has any) and to send that
token instead (https://distribution.github.io/distribution/spec/auth/token/).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_PARAMETER = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password (or token) for HTTP basic authentication."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<hidden>)"


#: Credentials for a registry host, or ``None`` to go anonymous.
CredentialProvider = Callable[[str], Credentials | None]


@dataclass(frozen=True, slots=True)
class Challenge:
    """A parsed ``WWW-Authenticate`` header."""

    scheme: str
    """``basic`` or ``bearer`` (lower-cased)."""
    parameters: dict[str, str]
    """``realm``, ``service``, ``scope`` …"""


def parse_challenge(header: str) -> Challenge | None:
    """The challenge in a ``WWW-Authenticate`` header; ``None`` if there is none."""
    scheme, _, rest = header.strip().partition(" ")
    if not scheme:
        return None
    parameters = {
        m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PARAMETER.finditer(rest)
    }
    return Challenge(scheme.lower(), parameters)
