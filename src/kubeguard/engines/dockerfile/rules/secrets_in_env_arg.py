"""No secrets in ``ENV`` or ``ARG``.

``ENV`` values are stored in the image configuration, readable by anyone who can pull the image
(``docker inspect``); ``ARG`` values are recorded in the image history of every layer built
after them. A password, token or key passed that way is published with the image. The rule looks
at variable names (``*PASSWORD*``, ``*SECRET*``, ``*TOKEN*``, ``*API_KEY*``, ``*PRIVATE_KEY*``,
well-known ones such as ``AWS_SECRET_ACCESS_KEY``, ``GITHUB_TOKEN``, ``NPM_TOKEN``); names that
point to a secret rather than hold it (``*_FILE``, ``*_PATH``, ``*_URL`` …) are left alone.
Messages never repeat the value.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity

_KNOWN = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AZURE_CLIENT_SECRET",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITLAB_TOKEN",
        "NPM_TOKEN",
        "OPENAI_API_KEY",
        "HF_TOKEN",
        "DOCKER_PASSWORD",
        "VAULT_TOKEN",
        "SENTRY_AUTH_TOKEN",
    }
)
_PARTS = (
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CLIENT_KEY",
    "CREDENTIAL",
)
#: Names that say where a secret is, or describe it, rather than hold it.
_POINTERS = (
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_NAME",
    "_ID",
    "_TTL",
    "_LENGTH",
    "_HEADER",
    "_TYPE",
)


@rule(
    id="KG-DF-013",
    title="No secrets in ENV or ARG",
    severity=Severity.HIGH,
    remediation="Pass secrets at build time with RUN --mount=type=secret, and at run time from "
    "a Kubernetes Secret or AWS Secrets Manager; rotate any secret already built into an image.",
    refs={"hadolint": "DL3064", "trivy": "DS031", "cis-docker": "4.10"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    for instruction in dockerfile.instructions("ENV", "ARG"):
        for pair in instruction.assignments:
            if not _secret_name(pair.name):
                continue
            if instruction.keyword == "ARG":
                yield Violation(
                    instruction,
                    f"ARG {pair.name} passes a secret as a build argument, which the image "
                    "history keeps",
                    value=pair.name,
                )
            elif pair.raw:
                yield Violation(
                    instruction,
                    f"ENV {pair.name}=<redacted> stores a secret in the image configuration",
                    value=pair.name,
                )


def _secret_name(name: str) -> bool:
    upper = name.upper()
    if upper in _KNOWN:
        return True
    return any(part in upper for part in _PARTS) and not upper.endswith(_POINTERS)
