import pytest

from kubeguard.model import Severity
from kubeguard.model.advisory import ScoreType
from kubeguard.sources.advisories.cvss import (
    cvss2_base_score,
    cvss3_base_score,
    score_vector,
    severity_of_score,
    severity_of_word,
)


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        # Scores as the FIRST calculator and NVD publish them.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 8.1),
        ("CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.2),  # CVE-2023-45803
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        ("CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N", 4.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        # Temporal metrics do not change the base score.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C", 9.8),
    ],
)
def test_cvss3_base_scores(vector, score):
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # A missing
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # unknown value
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # repeated metric
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "",
        42,
        None,
    ],
)
def test_cvss3_rejects_incomplete_vectors(vector):
    assert cvss3_base_score(vector) is None


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5),
        ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3),
        ("(AV:N/AC:L/Au:N/C:C/I:C/A:C)", 10.0),
        ("AV:L/AC:L/Au:N/C:P/I:N/A:N", 2.1),
        ("AV:N/AC:L/Au:N/C:N/I:N/A:N", 0.0),
    ],
)
def test_cvss2_base_scores(vector, score):
    assert cvss2_base_score(vector) == score


@pytest.mark.parametrize(
    ("score", "severity"),
    [
        (0.0, Severity.INFO),
        (0.1, Severity.LOW),
        (3.9, Severity.LOW),
        (4.0, Severity.MEDIUM),
        (6.9, Severity.MEDIUM),
        (7.0, Severity.HIGH),
        (8.9, Severity.HIGH),
        (9.0, Severity.CRITICAL),
        (10.0, Severity.CRITICAL),
    ],
)
def test_severity_bands(score, severity):
    assert severity_of_score(score) is severity


def test_rating_words_from_distributions_and_databases():
    assert severity_of_word("high**") is Severity.HIGH
    assert severity_of_word("MODERATE") is Severity.MEDIUM
    assert severity_of_word("unimportant") is Severity.INFO
    assert severity_of_word("not yet assigned") is None
    assert severity_of_word(3) is None


def test_v4_vectors_are_kept_without_a_score():
    vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    rating = score_vector("CVSS_V4", vector)
    assert rating is not None
    assert (rating.type, rating.vector, rating.score, rating.severity) == (
        ScoreType.CVSS_V4,
        vector,
        None,
        None,
    )
    assert score_vector("SOMETHING", vector) is None
