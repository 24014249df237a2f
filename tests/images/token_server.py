"""A token service for a registry in bearer-token mode, for the tests only.

``python -m tests.images.token_server --dir DIR --port PORT --user U --password P`` writes a
fresh RSA key and a self-signed certificate (``DIR/token.crt``, the registry's
``auth.token.rootcertbundle``), then answers ``GET /token?service=…&scope=…`` with an RS256 JWT
in the shape the distribution registry verifies (docs "Token Authentication Implementation"):
``x5c`` header holding the certificate, claims ``iss``, ``aud`` (the service), ``exp``, ``nbf``
and ``access`` (the scopes granted). Requests must carry the user's basic credentials; wrong or
missing ones get 401, as a real token service answers. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

ISSUER = "kubeguard-test-token-service"
SERVICE = "kubeguard-test-registry"
TOKEN_LIFETIME = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_key(folder: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A signing key and its self-signed certificate, the certificate written to ``token.crt``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "token.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def sign_token(
    key: rsa.RSAPrivateKey, certificate: x509.Certificate, subject: str, scopes: list[str]
) -> str:
    """A JWT granting ``scopes`` (``repository:name:pull,push``) to ``subject``."""
    header = {
        "typ": "JWT",
        "alg": "RS256",
        "x5c": [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()],
    }
    access = []
    for scope in scopes:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        access.append({"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]})
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "aud": SERVICE,
        "exp": now + TOKEN_LIFETIME,
        "nbf": now - 10,
        "iat": now,
        "jti": secrets.token_hex(8),
        "access": access,
    }
    signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64url(signature)}"


def serve(folder: Path, port: int, user: str, password: str) -> None:
    """Answer token requests until killed."""
    key, certificate = make_key(folder)
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path != "/token":
                self.send_error(404)
                return
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="kubeguard-test-token-service"')
                self.end_headers()
                return
            query = parse_qs(url.query)
            token = sign_token(key, certificate, user, query.get("scope", []))
            body = json.dumps(
                {"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    (folder / "token-server.ready").write_text(str(port))
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    arguments = parser.parse_args()
    serve(arguments.dir, arguments.port, arguments.user, arguments.password)


if __name__ == "__main__":
    main()
