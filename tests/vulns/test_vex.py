import json
from typing import Any

import pytest

from kubeguard.engines.vulns.matcher import match_image
from kubeguard.findings.vulnerabilities import apply_vex
from kubeguard.model import Finding, SourceError
from kubeguard.model.advisory import Advisory, VexStatement
from kubeguard.sources.vex import read_vex
from tests.vulns.helpers import FakeFeed, ecosystem_range, entry, inventory, package

DIGEST = "sha256:" + "d" * 64
TAG = "registry.example.com/shop/orders:1.14.0"


@pytest.fixture
def finding():
    advisory = Advisory(
        "PYSEC-1",
        aliases=("CVE-2023-32681",),
        affected=(
            entry("PyPI", "requests", ecosystem_range(("introduced", "0"), ("fixed", "2.31.0"))),
        ),
    )
    result = match_image(
        inventory([package("requests", "2.28.1")], tags=(TAG,)), FakeFeed([advisory]), name=TAG
    )
    (only,) = result.findings
    return only


def suppressed(finding: Finding, **statement: Any) -> bool:
    fields = {"vulnerability": "CVE-2023-32681", "products": (), "source": "x.json", **statement}
    (result,) = apply_vex([finding], [VexStatement(**fields)])
    return result.suppressed_by is not None


@pytest.mark.parametrize(
    ("products", "subcomponents", "expected"),
    [
        (("pkg:pypi/requests@2.28.1",), (), True),
        (("pkg:pypi/Requests",), (), True),  # no version: every version; PyPI names fold case
        (("pkg:pypi/requests@2.31.0",), (), False),
        (("pkg:npm/requests@2.28.1",), (), False),
        ((DIGEST,), (), True),  # the whole image
        ((f"pkg:oci/orders@{DIGEST.replace(':', '%3A')}",), ("pkg:pypi/requests",), True),
        (
            ("pkg:oci/orders?repository_url=registry.example.com/shop/orders",),
            ("pkg:pypi/requests",),
            True,
        ),
        (("pkg:oci/orders?repository_url=registry.example.com/other/orders",), (), False),
        ((DIGEST,), ("pkg:pypi/urllib3",), False),
        (("not a purl",), (), False),
    ],
)
def test_products_and_subcomponents(finding, products, subcomponents, expected):
    assert suppressed(finding, products=products, subcomponents=subcomponents) is expected


def test_vulnerability_by_id_or_alias_only(finding):
    assert suppressed(finding, vulnerability="PYSEC-1", products=("pkg:pypi/requests",))
    assert not suppressed(finding, vulnerability="CVE-2000-1", products=("pkg:pypi/requests",))


def test_only_not_affected_suppresses(finding):
    for status in ("affected", "fixed", "under_investigation"):
        assert not suppressed(finding, products=("pkg:pypi/requests",), status=status)


def test_reading_documents(tmp_path):
    path = tmp_path / "doc.openvex.json"
    path.write_text(
        json.dumps(
            {
                "timestamp": "2026-01-01T00:00:00Z",
                "statements": [
                    {
                        "vulnerability": {"name": "CVE-1"},
                        "products": [
                            {"@id": "pkg:oci/app", "subcomponents": [{"@id": "pkg:pypi/a"}]},
                            "pkg:pypi/b",
                        ],
                        "status": "not_affected",
                        "justification": "component_not_present",
                    },
                    {"vulnerability": "CVE-2", "products": ["pkg:pypi/c"], "status": "fixed"},
                    {"vulnerability": "CVE-3", "products": [], "status": "not_affected"},
                    {"vulnerability": "CVE-4", "products": ["x"], "status": "unknown"},
                    "garbage",
                ],
            }
        )
    )
    statements, problems = read_vex(path)
    first, second = statements
    assert first.products == ("pkg:oci/app", "pkg:pypi/b")
    assert first.subcomponents == ("pkg:pypi/a",)
    assert first.timestamp == "2026-01-01T00:00:00Z"
    assert (second.vulnerability, second.status) == ("CVE-2", "fixed")
    assert [p.message.split(":")[0] for p in problems] == [
        "statements[2]",
        "statements[3]",
        "statements[4]",
    ]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"statements": 3}'])
def test_documents_that_are_not_openvex(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SourceError) as raised:
        read_vex(path)
    assert str(path) in str(raised.value)
