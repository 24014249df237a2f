"""The fast YAML reading agrees with the exact one, or declines.

Every case reads the same text both ways through :func:`read_documents` and compares values,
errors, document locations and the line of every field; separate assertions show which cases
the fast reading takes and which it declines, so the agreement is not the trivial one of a fast
path that never runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeguard.model import FieldPath, SourceError, line_of
from kubeguard.yaml_documents import Document, _implicit_tag, _plain_key_text, read_documents
from kubeguard.yaml_rapid import EMPTY, rapid_readable, rapid_value


def _fast(text: str) -> Any:
    if not rapid_readable(text):
        return None
    return rapid_value(text, _implicit_tag, _plain_key_text)


def _paths(value: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _plain(value: Any) -> Any:
    """The value without line maps, with types kept (True is not 1)."""
    return json.loads(json.dumps(value, default=str))


def assert_same_reading(text: str) -> None:
    exact = list(read_documents(text, "in.yaml"))
    fast = list(read_documents(text, "in.yaml", defer_lines=True))
    assert len(exact) == len(fast)
    for slow_item, fast_item in zip(exact, fast, strict=True):
        if isinstance(slow_item, SourceError):
            assert isinstance(fast_item, SourceError)
            assert (fast_item.message, fast_item.location) == (
                slow_item.message,
                slow_item.location,
            )
            continue
        assert isinstance(slow_item, Document)
        assert isinstance(fast_item, Document)
        assert fast_item.location == slow_item.location
        assert _plain(fast_item.value) == _plain(slow_item.value)
        assert _types(fast_item.value) == _types(slow_item.value)
        if fast_item.lines is not None:
            for path in _paths(slow_item.value):
                assert fast_item.lines.line_of(path) == line_of(slow_item.value, path), path


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _types(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_types(child) for child in value]
    return type(value).__name__


TAKEN = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  port: '8080'\n",
    "a: 1\nb: -3\nc: 1.5\nd: true\ne: null\nf:\ng: ~text\n",
    'a: "1.5"\nb: "true"\nc: "null"\nd: "8080"\n',
    "a: 1e3\nb: 1.5E-3\nc: -2e+2\n",
    "a: |\n  line\n  two\nb: >-\n  folded\n  text\n",
    "a: |+\n  keep\n\nb: 1\n",
    "a: \"\\u263a\\ttab\"\nb: 'it''s'\nc: plain with # not a comment\n",
    "a:\n- x\n-\n- [1, two, {b: c}]\n",
    "# leading comment\n\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
    "a: 1\na: 2\nb: 3\n",
    "1: one\n80: eighty\ntrue: yes-key\n",
    "verbs: ['*']\nresources: [\"*\"]\n",
    "a: .5\nb: 5.\nc: -.5\n",
    "rule: self.all(m, !has(m.weight))\n",
    "a: x\n",
    "a: 1\n...\n",
    "- a\n- b\n",
    "scalar\n",
]

DECLINED = [
    "a: yes\n",
    "a: True\n",
    "a: ~\n",
    "a: 0755\n",
    "a: 1_000\n",
    "a: .inf\n",
    "a: 0x1F\n",
    "a: +1\n",
    "a: 0e0\n",
    "1.50: x\n",
    "yes: key\n",
    "a: !!str 123\n",
    "a: !custom x\n",
    "a: &x {b: 1}\nc: *x\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "d:\n  <<: {x: 1}\n",
    "%YAML 1.1\n---\na: 1\n",
    "--- {a: 1}\n",
    "a: x\n...\nb: 2\n",
    "a: 1\n----\n",
    "a: @x\n",
    "a: `x\n",
    "a: \x07\n",
    "a: x\r\nb: y\r\n",
    "a: caf\u00e9\x85\x9f\n",
    "a: \ufeffx\n",
    "a: |\n  no final line break",
    "a: " + "[" * 100 + "]" * 100 + "\n",
    "a: b: c\n",
    "a: 'unterminated\n",
    "\ta: 1\n",
    "a: [1\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_fast_reading_takes_plain_documents(text: str) -> None:
    assert _fast(text) is not None
    assert_same_reading(text)


@pytest.mark.parametrize("text", DECLINED)
def test_fast_reading_declines_what_it_would_read_differently(text: str) -> None:
    assert _fast(text) is None
    assert_same_reading(text)


def test_comment_only_document_is_empty_both_ways() -> None:
    assert _fast("# nothing here\n") is EMPTY
    (document,) = read_documents("# nothing\n---\na: 1\n", "in.yaml", defer_lines=True)
    assert isinstance(document, Document)
    assert document.location.line == 3
    assert_same_reading("# nothing\n---\na: 1\n")


def test_base_60_numbers_are_text_as_kubectl_reads_them() -> None:
    for defer in (False, True):
        (document,) = read_documents("a: 1:30\nb: 190:20:30.15\n", "in.yaml", defer_lines=defer)
        assert isinstance(document, Document)
        assert document.value == {"a": "1:30", "b": "190:20:30.15"}


def test_exponent_without_dot_is_a_float_as_kubectl_reads_it() -> None:
    for defer in (False, True):
        (document,) = read_documents("a: 1e3\nb: '1e3'\n", "in.yaml", defer_lines=defer)
        assert isinstance(document, Document)
        assert document.value == {"a": 1000.0, "b": "1e3"}


def test_malformed_document_leaves_no_noise_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    items = list(read_documents("a: b: c\n---\nok: 1\n", "bad.yaml", defer_lines=True))
    assert isinstance(items[0], SourceError)
    assert "bad.yaml:1" in str(items[0].location)
    assert isinstance(items[1], Document)
    assert items[1].lines is not None
    assert capfd.readouterr().err == ""


def test_lines_of_a_list_item_are_relative_to_the_item() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  spec:\n    x: 1\n- kind: B\n"
    (document,) = read_documents(text, "in.yaml", defer_lines=True)
    assert isinstance(document, Document)
    assert document.lines is not None
    second = document.lines.within(("items", 1))
    assert second.line_of(("kind",)) == 7
    assert document.lines.within(("items", 0)).line_of(("spec", "x")) == 6


# Plain scalars that YAML 1.1, kubectl and rapidyaml read in different ways, and ordinary text.
_WORDS = [
    *("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"),
    *("true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "n", "N"),
    *("~", "null", "Null", "NULL", "0", "-0", "+0", "00", "07", "08", "0755", "0o17", "0x1F"),
    *("0b101", "1_000", "190:20:30", "12:30", "-1", "+1", "8080", "1.5", "1.50", "-1.5"),
    *(".5", "5.", "1e3", "1E3", "1e+3", "1.5e-3", "0e0", "1.e3", ".inf", "-.Inf", ".NaN"),
    *("1_0.5", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "abc", "v1", "a.b-c"),
]

_tricky_text = st.sampled_from(_WORDS) | st.from_regex(r"[0-9.+-]{1,6}", fullmatch=True)
_ordinary_text = st.from_regex(r"[a-z][a-z0-9./-]{0,8}", fullmatch=True)
# Mostly ordinary text, so that many documents take the fast reading and are compared line by
# line, and enough tricky scalars that many do not.
_scalar_text = st.one_of(_tricky_text, *[_ordinary_text] * 6)


@st.composite
def _scalar(draw: st.DrawFn) -> str:
    text: str = draw(_scalar_text)
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single":
        return "'" + text + "'"
    if style == "double":
        return '"' + text + '"'
    return text


@st.composite
def _document(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(1, 6))):
        key = draw(_scalar()) if draw(st.booleans()) else f"k{index}"
        shape = draw(st.sampled_from(["scalar", "block-list", "flow-list", "map"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(_scalar())}")
        elif shape == "block-list":
            lines.append(f"{key}:")
            lines.extend(f"- {draw(_scalar())}" for _ in range(draw(st.integers(1, 3))))
        elif shape == "flow-list":
            items = ", ".join(draw(_scalar()) for _ in range(draw(st.integers(0, 3))))
            lines.append(f"{key}: [{items}]")
        else:
            lines.append(f"{key}:")
            lines.append(f"  {draw(_scalar())}: {draw(_scalar())}")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(_document())
def test_generated_documents_read_the_same_both_ways(text: str) -> None:
    assert_same_reading(text)


def test_generated_scalars_are_mostly_taken_by_the_fast_reading() -> None:
    """The agreement above is not vacuous: most plain ordinary documents take the fast path."""
    taken = sum(_fast(f"k: {word}\n") is not None for word in _WORDS)
    assert 0 < taken < len(_WORDS)
    assert _fast("k: 'yes'\n") is None  # quoted or plain, rapidyaml's JSON cannot tell
    assert _fast("k: '8080'\n") == {"k": "8080"}  # plain 8080 would be a bare number
