"""Credentials are recognised by format and by name, and no report ever shows one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeguard.engines.posture.credentials import (
    find_credentials,
    flag_values,
    literal_value,
    sensitive_name,
)
from kubeguard.model import Layer, Status
from kubeguard.report import OutputFormat, ReportOptions, render
from kubeguard.scan import ScanOptions, scan_manifests

FIXTURES = Path(__file__).parents[2] / "controls" / "data"
#: Every secret written into the data-layer fail fixtures, as it appears there.
SECRETS = [
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Tr0ub4dor3",
    "ghp_EXAMPLE0123456789abcdefghijklmnopqrs",
    "EXAMPLEEXAMPLEEXAMPLE0000",
    "correcthorse",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "hunter2hunter2",
    "correcthorsebattery",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    "xoxb-EXAMPLE0000-EXAMPLE0000-EXAMPLEEXAMPLE",
    "supersecret",
    "minio123",
]
LEAKY_FIXTURES = [
    FIXTURES / "credentials_in_workloads" / "fail-credentials.yaml",
    FIXTURES / "credentials_in_config" / "fail-config.yaml",
    FIXTURES / "literal_env_secrets" / "fail-literal-secrets.yaml",
]


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_no_report_format_contains_a_secret(output_format: OutputFormat) -> None:
    inputs = "".join(fixture.read_text() for fixture in LEAKY_FIXTURES)
    missing = [secret for secret in SECRETS if secret not in inputs]
    assert not missing, f"the fixtures no longer contain {missing}"
    result = scan_manifests([str(f) for f in LEAKY_FIXTURES], ScanOptions())
    data_failures = [
        f for f in result.findings if f.layer == Layer.DATA and f.status == Status.FAIL
    ]
    assert len(data_failures) >= len(SECRETS), "the fixtures must make the data controls fire"
    options = ReportOptions(color=False, show_passed=True, show_suppressed=True, verbose=True)
    report = render(result, output_format, options)
    assert "[redacted, 20 characters]" in report, "the report shows the data findings"
    leaked = [secret for secret in SECRETS if secret in report]
    assert not leaked, f"{output_format} report shows {leaked}"


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("key=AKIAIOSFODNN7EXAMPLE", "AWS access key id", "AKIA… [redacted, 20 characters]"),
        ("ASIAY34FZKBOKMUTVV7A", "AWS access key id", "ASIA… [redacted, 20 characters]"),
        ("gho_" + "a1" * 18, "GitHub token", "gho_… [redacted, 40 characters]"),
        ("github_pat_" + "A_" * 41, "GitHub token", "github_pat_… [redacted, 93 characters]"),
        ("xoxp-0000000000-abcdef", "Slack token", "xoxp-… [redacted, 22 characters]"),
        (
            "redis://:s3cret@cache:6379",
            "password in a URL",
            "redis://…:…@ [redacted, 6 characters]",
        ),
        (
            '{"client_secret": "0a1b2c3d4e"}',
            "value assigned to 'client_secret'",
            "[redacted, 10 characters]",
        ),
    ],
)
def test_formats_are_recognised_and_shown_without_their_value(
    text: str, kind: str, shown: str
) -> None:
    (credential,) = find_credentials(text)
    assert (credential.kind, credential.shown) == (kind, shown)


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7EXAMPL",  # one character short
        "XAKIAIOSFODNN7EXAMPLE1",  # part of a longer word
        "echo '-----BEGIN RSA PRIVATE KEY-----' > /dev/null",  # a header without key material
        "password: ${DB_PASSWORD}",
        "password:\n  valueFrom: x",
        "passwordFile: /etc/password",
        "token_ttl: 3600",
        "postgres://user:$(PASS)@db/x",
        "see https://example.com/a:b@c",  # no password before the @ in the authority
        "passwd:         compat",  # nsswitch.conf
        'token=os.environ["HF_TOKEN"]',
        "password=args.password",
    ],
)
def test_look_alikes_are_not_credentials(text: str) -> None:
    assert find_credentials(text) == []


def test_a_credential_inside_an_assignment_is_reported_once_by_its_format() -> None:
    (credential,) = find_credentials("aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n")
    assert credential.kind == "AWS access key id"
    found = find_credentials("token: ghp_" + "b" * 36)
    assert [c.kind for c in found] == ["GitHub token"]


@pytest.mark.parametrize(
    ("name", "sensitive"),
    [
        ("DB_PASSWORD", True),
        ("dbPassword", True),
        ("db-password", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("clientSecret", True),
        ("GITHUB_TOKEN", True),
        ("API_KEY", True),
        ("PASSWORD_FILE", False),
        ("SECRET_NAME", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("MAX_TOKENS", False),
        ("BYPASS", False),
        ("", False),
    ],
)
def test_sensitive_names(name: str, sensitive: bool) -> None:
    assert sensitive_name(name) is sensitive


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("hunter2", True),
        ("minio123", True),
        ("$(OTHER)", False),
        ("${OTHER}", False),
        ("{{ .Values.password }}", False),
        ("<password>", False),
        ("/run/secrets/db", False),
        ("DB_PASSWORD", False),
        ("8080", False),
        ("false", False),
        ("****", False),
        ("  ", False),
    ],
)
def test_literal_values(value: str, literal: bool) -> None:
    assert literal_value(value) is literal


def test_secrets_given_as_the_next_command_line_word() -> None:
    words = ["app", "--password", "hunter2", "--token", "$(T)", "--api-key", "--verbose"]
    assert list(flag_values(words)) == [(2, "password")]
