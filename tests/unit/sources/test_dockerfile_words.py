"""The builder's word splitting and variable substitution, case by case."""

from __future__ import annotations

import pytest

from kubeguard.sources.dockerfile_words import expand_word, expand_words, raw_words

SCOPE: dict[str, str | None] = {"A": "alpha", "EMPTY": "", "PATH_": "/usr/local/bin", "UNSET": None}


@pytest.mark.parametrize(
    ("text", "words", "unresolved"),
    [
        ("a b\tc", ["a", "b", "c"], False),
        ("$A ${A}x", ["alpha", "alphax"], False),
        ("'$A' \"$A\"", ["$A", "alpha"], False),
        ('"a b" c\\ d', ["a b", "c d"], False),
        ("\\$A", ["$A"], False),
        ("${EMPTY:-dflt} ${EMPTY-dflt} ${NOPE-dflt}", ["dflt", "dflt"], False),
        ("${A:+set} ${EMPTY:+set} ${EMPTY+set}", ["set", "set"], False),
        ("${UNSET:-${A}}", ["alpha"], False),
        ("$UNSET ${NOPE}", ["$UNSET", "${NOPE}"], True),
        ("${NOPE:+x}", [], True),
        (
            "${PATH_#/usr} ${PATH_##*/} ${PATH_%/*} ${PATH_%%/*}",
            ["/local/bin", "bin", "/usr/local"],
            False,
        ),
        ("${A/l/L} ${A//a/A}", ["aLpha", "AlphA"], False),
        ("${A?required} ${NOPE?required}", ["alpha", "${NOPE?required}"], True),
        ("cost $5 and $", ["cost", "$5", "and", "$"], True),
        ('"unterminated', ["unterminated"], False),
    ],
)
def test_expand_words(text: str, words: list[str], unresolved: bool) -> None:
    assert expand_words(text, SCOPE) == (words, unresolved)


def test_expand_word_keeps_blanks_and_the_escape_character_is_configurable() -> None:
    assert expand_word("/app dir/$A", SCOPE) == ("/app dir/alpha", False)
    assert expand_word("c:\\app\\`$A", SCOPE, escape="`") == ("c:\\app\\$A", False)
    assert expand_word('"quoted \\" inside"', SCOPE) == ('quoted " inside', False)


def test_raw_words_keep_quotes() -> None:
    text = "one \"two three\" 'four five' six\\ seven"
    assert [text[s:e] for s, e in raw_words(text)] == [
        "one",
        '"two three"',
        "'four five'",
        "six\\ seven",
    ]
