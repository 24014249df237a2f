"""The fast reading of a YAML document: rapidyaml parses it, orjson builds the Python values.

libyaml plus a Python builder takes most of a scan of large inputs (CRDs are megabytes of
schema), while rapidyaml parses and re-emits the same text as JSON in a fraction of the time and
orjson turns that JSON into values in C. rapidyaml reads YAML 1.2 and kubeguard reads YAML the way
kubectl does (YAML 1.1 scalars, merge keys, aliases expanded under a bound), so this module takes a
document only when the two readings provably agree, and declines it (``None``) otherwise; the
caller then reads it the exact way (:mod:`kubeguard.yaml_documents`). A document is declined when:

- its text holds what rapidyaml reads differently: tags, characters libyaml refuses or
  normalises (control characters, carriage returns, a byte-order mark), a block scalar closing
  a text without a final line break; or it holds several documents (directives, markers);
- its JSON holds an alias rapidyaml left unexpanded, a merge key, a scalar starting with a
  reserved indicator, or a string that YAML 1.1 would have typed had it been written plain
  (``yes``, ``0755``, ``~``, ``.inf``…) unless rapidyaml would have emitted that plain scalar as
  a JSON number, true, false or null itself (so the string must have been quoted), or a key
  whose YAML 1.1 reading is spelled differently (``1.50`` is ``1.5``);
- rapidyaml or orjson refuses it (malformed input, nesting past rapidyaml's bound): the exact
  reader then reports the error as libyaml words it.

The equality of both readings is tested on every document of the shared corpus and by a
differential property test over generated scalars.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from typing import Any, Final

import orjson
import ryml

_STR = "tag:yaml.org,2002:str"

#: What :func:`rapid_value` returns for a document without content (only comments or blanks).
EMPTY: Final = object()

# Characters libyaml refuses or normalises: C0 controls other than tab and newline, DEL, C1
# controls other than NEL, surrogates, U+FFFE/FFFF, the byte-order mark, carriage returns.
_UNREADABLE = "[^\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
_ASCII_UNREADABLE = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])

# What may be a tag ('!!str', '!custom', '!<…>') where a node may start; the tree decides.
_TAG = re.compile(r"![!<\w-]")

_TAGGED = ryml.KEYTAG | ryml.VALTAG

# JSON strings that may have been plain scalars YAML 1.1 types: those starting like a number,
# a null or merge key, an alias or a reserved indicator, and the boolean and null words other
# than true, false and null (which read the same either way); with what follows them (':' for a
# key). Candidates only: _string_agrees decides.
_TYPED_CANDIDATE = re.compile(
    r'"([-+.~0-9<*@`][^"\\]*|[yYnN]|[yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF'
    r'|True|TRUE|False|FALSE|Null|NULL)"(:?)'
)

# Plain scalars rapidyaml emits unquoted, so a JSON string spelled like this was quoted in YAML.
_EMITTED_BARE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|true|false|null")


def rapid_readable(text: str) -> bool:
    """Whether ``text`` holds only characters both readers take as they are.

    Asked once per file, before :func:`rapid_value` is asked for each of its documents.
    """
    if text.isascii():
        # A C-speed check for nearly every manifest; the regular expression walks every character.
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_UNREADABLE)) == len(raw)
    return _unreadable().search(text) is None


@functools.cache
def _unreadable() -> re.Pattern[str]:
    # Compiled on first use: its Unicode ranges take milliseconds to compile, and nearly every
    # manifest is ASCII.
    return re.compile(_UNREADABLE)


def rapid_value(text: str, plain_tag: Callable[[str], str], key_text: Callable[[str], str]) -> Any:
    """The value of the single YAML document ``text``; ``None`` when it must be read exactly.

    ``text`` must be part of a text :func:`rapid_readable` accepted.

    ``plain_tag`` is the exact reader's tag for a plain scalar (``tag:yaml.org,2002:str`` for
    text) and ``key_text`` its spelling of a plain mapping key, so that a scalar whose YAML 1.1
    reading differs from rapidyaml's declines the document.
    """
    if _ends_in_block_scalar(text):
        return None
    try:
        with _QuietStderr():
            tree = ryml.parse_in_arena(text)
        root = tree.root_id()
        if tree.is_stream(root) or (_may_have_tags(text) and _has_tags(tree)):
            return None
        emitted = ryml.emit_json_malloc(tree, root)
    except (ryml.ExceptionBasic, RuntimeError, ValueError, MemoryError):
        return None
    if emitted is None:
        return EMPTY
    for match in _TYPED_CANDIDATE.finditer(emitted):
        if not _string_agrees(match.group(1), bool(match.group(2)), plain_tag, key_text):
            return None
    try:
        return orjson.loads(emitted)
    except orjson.JSONDecodeError:
        return None


def _may_have_tags(text: str) -> bool:
    return any(
        match.start() == 0 or text[match.start() - 1] in " \t\n[{," for match in _TAG.finditer(text)
    )


def _has_tags(tree: Any) -> bool:
    """Whether any node is tagged. Asked only when the text has something like a tag, because
    asking node by node is slow and a '!' inside text (CEL's ``!has(…)``) is common."""
    return any(tree.type_has_any(node, _TAGGED) for node in range(tree.size()))


def _ends_in_block_scalar(text: str) -> bool:
    # Without a final line break, libyaml and rapidyaml disagree on a closing block scalar's.
    return not text.endswith("\n") and ("|" in text or ">" in text)


def _string_agrees(
    text: str, is_key: bool, plain_tag: Callable[[str], str], key_text: Callable[[str], str]
) -> bool:
    """Whether a JSON string reads the same as the exact reader reads the YAML it came from."""
    if (text[:1] == "*" and text != "*") or text[:1] in ("@", "`") or (is_key and text == "<<"):
        # An alias rapidyaml did not expand, a scalar libyaml refuses to start with a reserved
        # indicator, or a merge key.
        return False
    if is_key:
        return plain_tag(text) == _STR or key_text(text) == text
    # Quoted numbers ("8080") are the common case, and a bare-looking string was quoted.
    return _EMITTED_BARE.fullmatch(text) is not None or plain_tag(text) == _STR


class _QuietStderr:
    """Silence file descriptor 2 while rapidyaml parses.

    rapidyaml's default error handler prints the parse error to the process's standard error
    before raising it; a declined document is read again by libyaml, which reports the error the
    user sees, so rapidyaml's copy would be noise.
    """

    _devnull: int | None = None

    def __enter__(self) -> None:
        cls = type(self)
        if cls._devnull is None:
            cls._devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            self._saved: int | None = os.dup(2)
            os.dup2(cls._devnull, 2)
        except OSError:
            self._saved = None

    def __exit__(self, *exc_info: object) -> None:
        if self._saved is not None:
            os.dup2(self._saved, 2)
            os.close(self._saved)
