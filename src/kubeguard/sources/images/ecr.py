"""Amazon ECR registry credentials from ECR's GetAuthorizationToken.

ECR registries are ``<account>.dkr.ecr.<region>.amazonaws.com``. Their password is a 12-hour
token: GetAuthorizationToken returns ``base64("AWS:<password>")``, used as HTTP basic
credentials. boto3 finds AWS credentials the usual way (environment, profile, instance role)
and honours ``AWS_ENDPOINT_URL``, which is how the tests point it at an emulator.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from kubeguard.model.image import problem
from kubeguard.sources.images.auth import Credentials

ECR_HOST = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
)


def ecr_registry(host: str) -> tuple[str, str] | None:
    """``(account, region)`` when ``host`` is an ECR registry, else ``None``."""
    match = ECR_HOST.fullmatch(host.lower())
    return (match["account"], match["region"]) if match else None


def ecr_credentials(region: str, registry_id: str | None = None) -> Credentials:
    """Basic credentials for an ECR registry, from a fresh authorization token."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    where = f"ECR {registry_id or 'default registry'} in {region}"
    try:
        client: Any = boto3.client("ecr", region_name=region)
        arguments = {"registryIds": [registry_id]} if registry_id else {}
        response = client.get_authorization_token(**arguments)
    except (BotoCoreError, ClientError) as error:
        raise problem(f"ECR GetAuthorizationToken failed: {error}", where) from None
    data = response.get("authorizationData") or []
    token = data[0].get("authorizationToken") if data and isinstance(data[0], dict) else None
    if not isinstance(token, str):
        raise problem("ECR GetAuthorizationToken returned no token", where)
    try:
        username, colon, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        username, colon, password = "", "", ""
    if not colon or not username:
        raise problem("ECR authorization token is not base64 'user:password'", where)
    return Credentials(username, password)
