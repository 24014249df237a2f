"""``kubeguard netpol reach`` and ``netpol matrix`` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kubeguard.cli.exit_codes import ExitCode
from tests.unit.cli.helpers import run_cli, write

SHOP = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1, ports: [{name: http, containerPort: 9000}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
---
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata: {name: api-db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  securityGroups: {groupIds: [sg-0123456789abcdef0]}
"""


@pytest.fixture
def shop(tmp_path: Path) -> str:
    return write(tmp_path, "shop.yaml", SHOP)


def test_reach_allowed_exits_0_and_names_the_rules(
    capsys: pytest.CaptureFixture[str], shop: str
) -> None:
    # The named port resolves at the destination: http is 9000 on api.
    outcome = run_cli(capsys, "netpol", "reach", "shop/web", "shop/api", "--port", "9000", shop)
    assert outcome.code == ExitCode.CLEAN
    assert outcome.out.startswith("ALLOWED: shop/Deployment/web -> shop/Deployment/api on TCP/9000")
    assert "allowed by shop/web-to-api spec.egress[0]" in outcome.out
    assert "allowed by shop/api-from-web spec.ingress[0]" in outcome.out
    assert "sg-0123456789abcdef0 (from shop/api-db)" in outcome.out
    assert "not evaluated here" in outcome.out


def test_reach_denied_exits_1(capsys: pytest.CaptureFixture[str], shop: str) -> None:
    outcome = run_cli(capsys, "netpol", "reach", "shop/web", "shop/api", "--port", "8080", shop)
    assert outcome.code == ExitCode.FINDINGS
    assert outcome.out.startswith("DENIED")
    assert "rules match the peer, but on other ports" in outcome.out


def test_reach_json_for_scripts(capsys: pytest.CaptureFixture[str], shop: str) -> None:
    outcome = run_cli(
        capsys,
        "netpol",
        "reach",
        "shop/api",
        "ip:169.254.169.254",
        "--port",
        "80/tcp",
        shop,
        "--format",
        "json",
    )
    document = json.loads(outcome.out)
    assert outcome.code == ExitCode.FINDINGS
    assert document["allowed"] is False
    # api-from-web has no egress rules, so its defaulted policyTypes leave egress alone.
    assert document["egress"]["isolated_by"] == ["shop/default-deny"]
    assert document["ingress"]["reason"] == "not a pod: NetworkPolicy does not apply to it"
    assert document["security_groups"]["source"]["group_ids"] == ["sg-0123456789abcdef0"]
    assert document["security_groups"]["evaluated"] is False


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["shop/nope", "shop/api", "--port", "80"], "no Pod or workload 'shop/nope'"),
        (["shop/web", "shop/api", "--port", "http"], "port 'http' is not a number"),
        (["shop/web", "shop/api", "--port", "80/icmp"], "unknown protocol 'icmp'"),
        (["ip:1.1.1.1", "ip:8.8.8.8", "--port", "80"], "at least one endpoint"),
    ],
)
def test_reach_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], shop: str, argv: list[str], says: str
) -> None:
    outcome = run_cli(capsys, "netpol", "reach", *argv, shop)
    assert outcome.code == ExitCode.USAGE
    assert says in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1
    assert outcome.out == ""


def test_missing_port_or_paths_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], shop: str
) -> None:
    assert run_cli(capsys, "netpol", "reach", "shop/web", "shop/api", shop).code == ExitCode.USAGE
    assert run_cli(capsys, "netpol", "reach", "shop/web", "shop/api", "--port", "80").code == (
        ExitCode.USAGE
    )


def test_unreadable_input_exits_3_without_an_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shop: str
) -> None:
    broken = write(tmp_path, "broken.yaml", "kind: NetworkPolicy\nspec: [unclosed\n")
    outcome = run_cli(
        capsys, "netpol", "reach", "shop/web", "shop/api", "--port", "9000", shop, broken
    )
    assert outcome.code == ExitCode.INCOMPLETE
    assert outcome.out == ""
    assert "broken.yaml" in outcome.err
    matrix = run_cli(capsys, "netpol", "matrix", shop, broken)
    assert matrix.code == ExitCode.INCOMPLETE


def test_matrix_table(capsys: pytest.CaptureFixture[str], shop: str) -> None:
    outcome = run_cli(capsys, "netpol", "matrix", "-n", "shop", shop)
    assert outcome.code == ExitCode.CLEAN
    lines = outcome.out.splitlines()
    assert "  1  shop/Deployment/api" in lines
    assert "  2  shop/Deployment/web" in lines
    rows = [line.split() for line in lines if line[:1] in ("1", "2")]
    assert rows == [["1", "-", "-"], ["2", "TCP/9000", "-"]]


def test_matrix_csv(capsys: pytest.CaptureFixture[str], shop: str) -> None:
    outcome = run_cli(capsys, "netpol", "matrix", "--format", "csv", shop)
    table = list(csv.reader(io.StringIO(outcome.out)))
    assert table[0] == ["from \\ to", "shop/Deployment/api", "shop/Deployment/web"]
    assert table[2] == ["shop/Deployment/web", "TCP/9000", "-"]


def test_matrix_html_is_one_self_contained_escaped_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hostile = write(
        tmp_path,
        "hostile.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: "<script>alert(1)</script>", namespace: x, labels: {a: "b"}}
spec: {containers: [{name: c, image: i}]}
""",
    )
    outcome = run_cli(capsys, "netpol", "matrix", "-n", "x", "-f", "html", "-o", "m.html", hostile)
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert outcome.code == ExitCode.CLEAN
    assert outcome.out == ""
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    for external in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert external not in page
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page


def test_matrix_of_unknown_namespace_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], shop: str
) -> None:
    outcome = run_cli(capsys, "netpol", "matrix", "-n", "payments", shop)
    assert outcome.code == ExitCode.USAGE
    assert "namespaces with workloads: shop" in outcome.err


def test_reach_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SHOP.encode())))
    outcome = run_cli(capsys, "netpol", "reach", "shop/web", "shop/api", "--port", "9000", "-")
    assert outcome.code == ExitCode.CLEAN
